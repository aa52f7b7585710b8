import { Router } from 'express';
import type { Deps } from '../app.ts';
import { render } from '../http/render.ts';
import { buildPicker, pickerQuery } from './picker.ts';

// Registry search, for the school picker of sign-up and the profile (signed out too: a
// newcomer picks their school before they have an account). It shows only public names.

export function organisationRoutes({ db }: Deps): Router {
  const router = Router();
  router.get('/organisations/search', async (req, res) => {
    const { schoolQuery } = pickerQuery.parse(req.query);
    const picker = await buildPicker(db, { query: schoolQuery, chosen: null, lang: res.locals.lang });
    return render(req, res, 'organisations/search', { picker }, { fragment: 'organisations/_choices' });
  });
  return router;
}
