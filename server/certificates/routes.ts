import { Router } from 'express';
import type { Deps } from '../app.ts';

export function certificateRoutes(_deps: Deps): Router {
  return Router();
}
