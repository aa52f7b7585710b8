import { Router } from 'express';
import type { Deps } from '../app.ts';

export function reportRoutes(_deps: Deps): Router {
  return Router();
}
