import { Router } from 'express';
import type { Deps } from '../app.ts';

export function cohortRoutes(_deps: Deps): Router {
  return Router();
}
