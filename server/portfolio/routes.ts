import { Router } from 'express';
import type { Deps } from '../app.ts';
import { requireUser, signedInUser } from '../auth/guards.ts';
import { fileStore } from '../files/store.ts';
import { render, renderStandalone } from '../http/render.ts';
import { archivePaths, sendPortfolioZip } from './archive.ts';
import { buildPortfolio } from './portfolio.ts';

// GET /portfolio: the signed-in teacher's own portfolio; GET /portfolio.zip: the same, to keep.
// Only ever the signed-in person's own: there is no id in the URL to change.
export function portfolioRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  router.get('/portfolio.zip', requireUser, async (_req, res) => {
    const user = signedInUser(res);
    const portfolio = await buildPortfolio(db, user.id, res.locals.lang);
    const generatedAt = Date.now();
    const index = renderStandalone(res, 'portfolio/archive-index', {
      portfolio,
      paths: archivePaths(portfolio),
      owner: user.name,
      site: config.baseUrl,
      generatedAt,
    });
    const day = new Date(generatedAt).toISOString().slice(0, 10);
    await sendPortfolioZip(res, db, fileStore(config), portfolio, index, `portfolio-${day}.zip`);
  });

  router.get('/portfolio', requireUser, async (req, res) => {
    const user = signedInUser(res);
    return render(req, res, 'portfolio/index', { portfolio: await buildPortfolio(db, user.id, res.locals.lang) });
  });

  return router;
}
