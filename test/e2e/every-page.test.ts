import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCohort } from '../../server/cohorts/queries.ts';
import { chromiumAvailable, createAccount, fetchBytes, openPage, reviewPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from './browser.ts';
import { courseOf, passModules } from './seed.ts';

// Every page type, as the person who sees it, in English and Russian: valid HTML in the Nu HTML
// checker (vnu, run on this machine's Java) and no serious axe violation in Chromium.

const run = promisify(execFile);
// The checker's jar ships in the vnu-jar package (a devDependency); Java comes with the machine.
const vnu = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');
const javaAvailable = !!process.env.PATH?.split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, 'java')));

type Role = 'visitor' | 'teacher' | 'trainer' | 'admin';

describe.skipIf(!chromiumAvailable || !javaAvailable)('every page type (browser, Nu HTML checker)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let pages: { role: Role; path: string }[];
  const accounts = {} as Record<Exclude<Role, 'visitor'>, { email: string; id: number }>;

  beforeAll(async () => {
    ({ server, browser } = env);
    const course = await courseOf(server, 'media-information-literacy');
    accounts.teacher = await createAccount(server, { name: 'Vera Teacher', school: 'Tiksi School' });
    accounts.trainer = await createAccount(server, { name: 'Tom Trainer', roles: ['trainer'] });
    accounts.admin = await createAccount(server, { name: 'Ada Admin', roles: ['admin'] });
    await passModules(server, accounts.teacher.id, course, course.modules);
    const cohortId = await createCohort(
      server.db,
      { name: 'Arctic spring', courses: [course.id], startDate: '2026-01-01', dueDate: null, description: '' },
      accounts.trainer.id,
    );
    const { addMember } = await import('../../server/cohorts/queries.ts');
    await addMember(server.db, cohortId, accounts.teacher.id);
    const { certificatesOfUser } = await import('../../server/certificates/issue.ts');
    const code = (await certificatesOfUser(server.db, accounts.teacher.id))[0]?.code;
    if (!code) throw new Error('the teacher has no certificate');
    // A registry entry, so the search and the registry pages have something to show, and an
    // unsubscribe token for the teacher's membership, as the first reminder would set it.
    const { createOrganisation } = await import('../../server/organisations/queries.ts');
    await createOrganisation(server.db, { kind: 'country', parentId: null, code: 'RU', nameEn: 'Russia', nameRu: 'Россия' });
    const { cohortMembers } = await import('../../server/db/schema.ts');
    await server.db.update(cohortMembers).set({ unsubscribeToken: 'every-page-unsubscribe-token-0001' });
    const first = course.modules[0]!.slug;
    const ru = await courseOf(server, 'arctic-teaching-ict');
    const evidence = await seedEvidence(server, course, cohortId, accounts.teacher.id, accounts.trainer.id);
    pages = [
      ...[
        '/',
        `/courses/${course.slug}`,
        `/courses/${course.slug}/${first}`,
        `/courses/${ru.slug}/${ru.modules[0]!.slug}`,
        '/framework',
        '/framework/KA.1',
      ].map((p) => ({ role: 'visitor' as const, path: p })),
      ...[
        '/login',
        '/signup?schoolQuery=russia',
        '/password-reset',
        '/certificates',
        `/certificates/${code}`,
        `/certificates/${code}/evidence/${evidence.passed}`,
        '/no-such-page',
        '/organisations/search?q=russia',
        '/reminders/unsubscribe/every-page-unsubscribe-token-0001',
      ].map((p) => ({
        role: 'visitor' as const,
        path: p,
      })),
      ...[
        '/dashboard',
        '/profile?schoolQuery=russia',
        `/courses/${course.slug}`,
        `/courses/${course.slug}/${first}`,
        `/courses/${course.slug}/${evidence.passedModule}`,
        '/',
        '/portfolio',
        '/recognition',
        `/recognition/${evidence.recognition}`,
        `/files/${evidence.deletedFile}`,
      ].map((p) => ({
        role: 'teacher' as const,
        path: p,
      })),
      ...[
        '/cohorts',
        `/cohorts/${cohortId}`,
        `/cohorts/${cohortId}/members`,
        `/cohorts/${cohortId}/reminders`,
        `/cohorts/${cohortId}/learners/${accounts.teacher.id}`,
        `/cohorts/${cohortId}/edit`,
        `/cohorts/${cohortId}/archive`,
        `/cohorts/${cohortId}/reviews`,
        `/reviews/${evidence.waiting}`,
        `/cohorts/${cohortId}/sessions`,
        `/cohorts/${cohortId}/sessions/${evidence.session}`,
        '/recognition/review',
        `/recognition/${evidence.recognition}`,
      ].map((p) => ({ role: 'trainer' as const, path: p })),
      ...[
        '/admin/users',
        '/admin/reports/compliance',
        '/admin/reports/compliance/teachers',
        '/admin/reports/compliance/over-time',
        '/admin/reports/programmes',
        '/admin/records',
        '/admin/organisations',
        '/admin/organisations/import',
        '/admin/organisations/unmatched',
        '/admin/reviews',
      ].map((p) => ({
        role: 'admin' as const,
        path: p,
      })),
    ];
  });

  it(
    'are valid HTML and pass axe, in English and Russian',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnu-'));
      const problems: string[] = [];
      for (const role of ['visitor', 'teacher', 'trainer', 'admin'] as const) {
        const { page, context } = await openPage(browser, server.url);
        if (role !== 'visitor') await signIn(page, accounts[role].email);
        for (const lang of ['en', 'ru']) {
          for (const { path: url } of pages.filter((p) => p.role === role)) {
            const target = `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;
            const html = await fetchBytes(page, target);
            expect(html.type, target).toContain('text/html');
            const file = `${role}-${lang}-${url.replace(/[^a-z0-9]+/gi, '_')}.html`;
            fs.writeFileSync(path.join(dir, file), html.body);
            await page.goto(target);
            problems.push(...(await reviewPage(page, `every-page-${file.replace(/\.html$/, '')}`)));
          }
        }
        await context.close();
      }
      const { stdout, stderr } = await run('java', ['-jar', vnu, '--errors-only', '--format', 'json', '--exit-zero-always', dir], {
        maxBuffer: 64 * 1024 * 1024,
      }).catch((err: { stdout: string; stderr: string }) => err);
      const report = JSON.parse(stderr || stdout || '{"messages":[]}') as { messages: { type: string; url: string; lastLine?: number; message: string }[] };
      for (const m of report.messages) problems.push(`${path.basename(m.url)}:${m.lastLine ?? '?'} ${m.message}`);
      fs.rmSync(dir, { recursive: true, force: true });
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT * 4,
  );
});

/**
 * Evidence of every kind for the teacher, so its pages have something to show: work waiting for
 * review, work passed and shared (with its assessment and evidence), a live session attended, a
 * request for recognition, and a deleted file (its tombstone page).
 */
async function seedEvidence(server: TestServer, course: Awaited<ReturnType<typeof courseOf>>, cohortId: number, teacherId: number, trainerId: number) {
  const { assessments, liveSessions, recognitions, sessionAttendance, storedFiles, submissions } = await import('../../server/db/schema.ts');
  const { addEvidence } = await import('../../server/learning/queries.ts');
  const [waitingModule, passedModule] = course.modules.filter((m) => m.assignment);
  if (!waitingModule?.assignment || !passedModule?.assignment) throw new Error('the course needs two modules with assignments');
  const now = Date.UTC(2026, 10, 2);
  const [waiting] = await server.db
    .insert(submissions)
    .values({
      userId: teacherId,
      moduleId: waitingModule.id,
      courseId: course.id,
      version: 1,
      text: 'A plan\nwith two lines',
      url: 'https://example.org/plan',
      status: 'waiting',
      submittedAt: now,
    })
    .returning({ id: submissions.id });
  const [passed] = await server.db
    .insert(submissions)
    .values({
      userId: teacherId,
      moduleId: passedModule.id,
      courseId: course.id,
      version: 1,
      text: 'My media plan',
      status: 'passed',
      shared: true,
      submittedAt: now,
    })
    .returning({ id: submissions.id });
  const scores = Object.fromEntries(passedModule.assignment.rubric.criteria.map((c) => [c.id, c.levels.at(-1)!.points]));
  const total = Object.values(scores).reduce((a, b) => a + b, 0);
  await server.db
    .insert(assessments)
    .values({ submissionId: passed!.id, assessorId: trainerId, scores, total, passed: true, feedback: 'Well argued.', createdAt: now });
  await addEvidence(server.db, {
    userId: teacherId,
    competencies: passedModule.assignment.competencies,
    kind: 'assessed',
    source: `assignment:${passedModule.id}`,
    moduleId: passedModule.id,
    courseId: course.id,
    assessorId: trainerId,
    now,
  });
  const [session] = await server.db
    .insert(liveSessions)
    .values({
      cohortId,
      kind: 'webinar',
      title: 'Checking sources together',
      startsAt: now,
      minutes: 60,
      competencies: ['KD.2'],
      createdBy: trainerId,
      createdAt: now,
    })
    .returning({ id: liveSessions.id });
  await server.db.insert(sessionAttendance).values({ sessionId: session!.id, userId: teacherId, recordedBy: trainerId, recordedAt: now });
  const [recognition] = await server.db
    .insert(recognitions)
    .values({
      userId: teacherId,
      provider: 'Arctic University',
      title: 'Media in small schools',
      minutes: 600,
      completedOn: '2025-05-20',
      url: 'https://example.org/cert',
      competencies: ['KD.4'],
      submittedAt: now,
    })
    .returning({ id: recognitions.id });
  const [file] = await server.db
    .insert(storedFiles)
    .values({
      ownerId: teacherId,
      storageKey: 'f'.repeat(32),
      name: 'old draft.pdf',
      mediaType: 'application/pdf',
      size: 1234,
      sha256: '0'.repeat(64),
      createdAt: now,
      deletedAt: now,
      deletedBy: teacherId,
    })
    .returning({ id: storedFiles.id });
  return {
    waiting: waiting!.id,
    passed: passed!.id,
    passedModule: passedModule.slug,
    session: session!.id,
    recognition: recognition!.id,
    deletedFile: file!.id,
  };
}
