import { type CatalogueCourse, type CatalogueModule, getCatalogue } from '../../server/courses/catalogue.ts';
import { enrolInCourse } from '../../server/learning/enrolment.ts';
import { submitQuiz } from '../../server/learning/quiz.ts';
import type { TestServer } from './browser.ts';

// Progress for the people a trainer or an administrator looks at, made through the platform's
// own services (the same code the quiz form runs), so the figures are the real ones.

export async function courseOf(server: TestServer, slug: string): Promise<CatalogueCourse> {
  const course = (await getCatalogue(server.db)).course(slug);
  if (!course) throw new Error(`no course ${slug}`);
  return course;
}

/** Enrols the user and passes the quizzes of the given modules with the right answers. */
export async function passModules(server: TestServer, userId: number, course: CatalogueCourse, modules: CatalogueModule[]): Promise<void> {
  const ctx = { db: server.db, baseUrl: server.config.baseUrl, issuerName: server.config.issuerName };
  await server.db.transaction((tx) => enrolInCourse(tx, { userId, course, baseUrl: server.config.baseUrl }));
  for (const module of modules) {
    if (!module.quiz) throw new Error(`module ${module.slug} has no quiz`);
    const answers = Object.fromEntries(module.quiz.questions.map((q) => [q.id, q.options.filter((o) => o.correct).map((o) => o.id)]));
    const result = await submitQuiz(ctx, { userId, course, module, answers, startedAt: null });
    if (!result.passed) throw new Error(`could not pass ${module.slug}`);
  }
}
