import { Router } from 'express';
import type { Deps } from '../app.ts';
import { checkDatabase } from '../db/client.ts';

export function healthRoutes({ db }: Deps): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await checkDatabase(db);
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'error', database: 'unavailable' });
    }
  });
  return router;
}
