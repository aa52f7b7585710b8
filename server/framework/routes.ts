import { type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { currentUser } from '../auth/guards.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { HttpError } from '../http/errors.ts';
import { sharedWhenSignedOut } from '../http/page-cache.ts';
import { render } from '../http/render.ts';
import { evidenceOfUser } from '../learning/evidence.ts';
import { demonstratingKinds, standingOf } from '../evidence/rule.ts';
import { casePackage } from './case-package.ts';
import { caseApiRoutes } from './case-routes.ts';
import { frameworkJson, moodleCsv } from './exports.ts';
import { ASPECTS, CROSSWALK_V2, FRAMEWORK, LEVELS, competencyByCode, localized } from './ict-cft.ts';
import { buildMatrix } from './matrix.ts';

export function frameworkRoutes({ db, config }: Deps): Router {
  const router = Router();
  const shared = sharedWhenSignedOut(db);
  // The exports never change while the process runs, so they are built once.
  const json = JSON.stringify(frameworkJson(config.baseUrl));
  const caseEnglish = casePackage(config.baseUrl, 'en');
  const caseRussian = casePackage(config.baseUrl, 'ru');
  const casePackages = { en: JSON.stringify(caseEnglish), ru: JSON.stringify(caseRussian) };
  const moodle = { en: moodleCsv('en'), ru: moodleCsv('ru') };
  const sendJson = (res: Response, body: string) => res.type('application/json').set('Cache-Control', 'public, max-age=3600').send(body);
  const sendMoodle = (res: Response, body: string, file: string) =>
    res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${file}"`).set('Cache-Control', 'public, max-age=3600').send(body);

  router.use(caseApiRoutes([caseEnglish, caseRussian]));

  router.get('/framework', shared, async (req, res) => {
    const user = currentUser(res);
    const lang: string = res.locals.lang;
    const matrix = buildMatrix(lang, user ? await evidenceOfUser(db, user.id) : undefined);
    return render(req, res, 'framework/index', {
      matrix,
      showEvidence: !!user,
      framework: FRAMEWORK,
      attribution: localized(FRAMEWORK.attribution, lang),
      crosswalk: CROSSWALK_V2,
    });
  });

  router.get('/framework.json', (_req, res) => sendJson(res, json));
  // The same packages as /ims/case/v1p1/CFPackages/{id}, at addresses people can remember.
  router.get('/framework/case.json', (_req, res) => sendJson(res, casePackages.en));
  router.get('/framework/case-ru.json', (_req, res) => sendJson(res, casePackages.ru));
  router.get('/framework/moodle.csv', (_req, res) => sendMoodle(res, moodle.en, 'ict-cft-v3-moodle.csv'));
  router.get('/framework/moodle-ru.csv', (_req, res) => sendMoodle(res, moodle.ru, 'ict-cft-v3-moodle-ru.csv'));

  router.get('/framework/:code', shared, async (req, res) => {
    const code = String(req.params.code).toUpperCase();
    const competency = competencyByCode(code);
    if (!competency) throw new HttpError(404, 'framework:unknownCompetency');
    if (code !== req.params.code) return res.redirect(301, `/framework/${code}`);
    const lang: string = res.locals.lang;
    const level = LEVELS.find((l) => l.code === competency.level)!;
    const aspect = ASPECTS.find((a) => a.number === competency.aspect)!;
    const modules = (await getCatalogue(db)).byCompetency(code);
    const user = currentUser(res);
    const evidence = user ? ((await evidenceOfUser(db, user.id)).get(code) ?? []) : [];
    return render(req, res, 'framework/competency', {
      competency,
      title: lang === 'ru' ? competency.titleRu : competency.title,
      description: localized(competency.description, lang),
      level: { code: level.code, title: lang === 'ru' ? level.titleRu : level.title },
      aspect: { number: aspect.number, title: lang === 'ru' ? aspect.titleRu : aspect.title },
      modules,
      evidence,
      standing: standingOf(
        code,
        evidence.map((e) => e.kind),
      ),
      demonstratingKinds: demonstratingKinds(code.slice(0, 2)),
      signedIn: !!user,
      attribution: localized(FRAMEWORK.attribution, lang),
      framework: FRAMEWORK,
    });
  });

  return router;
}
