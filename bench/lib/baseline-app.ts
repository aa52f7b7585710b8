import ejs from 'ejs';
import express from 'express';

// The yardstick: the least an Express 5 + EJS page can cost on this machine (no session,
// no database, no security headers, no compression). Each platform page is reported as a
// fraction of this app's requests per second measured in the same run, so figures from a
// fast and a slow machine compare.

export const BASELINE_TEMPLATE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title><%= title %></title></head>
<body><h1><%= title %></h1><ul><% for (const item of items) { %><li><%= item %></li><% } %></ul></body>
</html>`;

const page = ejs.compile(BASELINE_TEMPLATE); // compiled once, as production caches templates

export function createBaselineApp(): express.Express {
  const app = express();
  app.get('/', (_req, res) => {
    res.type('html').send(page({ title: 'Baseline', items: ['one', 'two', 'three'] }));
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return app;
}

const isEntryPoint = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) {
  const port = Number(process.env.PORT ?? 0);
  const server = createBaselineApp().listen(port, process.env.HOST ?? '127.0.0.1');
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
