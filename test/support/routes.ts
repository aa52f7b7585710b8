import type { Express } from 'express';

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
}

/** Every (method, path) the app's routers declare, read from Express's own route table. */
export function declaredRoutes(app: Express): { method: 'get' | 'post'; path: string }[] {
  const found = new Map<string, { method: 'get' | 'post'; path: string }>();
  const walk = (stack: RouteLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const method of ['get', 'post'] as const) if (layer.route.methods[method]) found.set(`${method} ${path}`, { method, path });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: RouteLayer[] } }).router.stack);
  return [...found.values()];
}
