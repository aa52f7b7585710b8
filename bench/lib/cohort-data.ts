import type { Db } from '../../server/db/client.ts';

// Data for the cohort benchmark: a generated enrolment CSV and module progress seeded straight
// into SQLite (the benchmark measures reading it, not the learning pages that would write it).

/** A small deterministic PRNG, so every run seeds the same cohort. */
export function prng(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SCHOOLS = 40;

/** email,name,school,region,country,language: `rows` teachers spread over 40 schools. */
export function enrolmentCsv(rows: number): string {
  const lines = ['email,name,school,region,country,language'];
  for (let i = 0; i < rows; i++) {
    const n = String(i).padStart(5, '0');
    const school = `School ${String(i % SCHOOLS).padStart(2, '0')}`;
    const ru = i % 3 === 0;
    lines.push(
      `teacher${n}@schools.example.org,${ru ? 'Учитель' : 'Teacher'} ${n},${school},${ru ? 'Sakha' : 'Nunavut'},${ru ? 'Russia' : 'Canada'},${ru ? 'ru' : 'en'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Progress for every member: each learner has got some way through the modules in order; the
 * module they are on is in progress, sometimes with a failed quiz. A sixth finished everything
 * and hold a certificate per course.
 */
export function seedProgress(db: Db, input: { userIds: number[]; courses: { id: number; title: string; modules: { id: number }[] }[]; now: number }) {
  const random = prng(7);
  const modules = input.courses.flatMap((c) => c.modules.map((m) => m.id));
  const progress = db.$client.prepare(
    'INSERT INTO module_progress (user_id, module_id, status, best_score, quiz_passed, attempts, first_viewed_at, completed_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const certificate = db.$client.prepare(
    'INSERT INTO certificates (code, user_id, course_id, learner_name, course_title, course_language, hours, competencies, issuer_name, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let rows = 0;
  db.$client.transaction(() => {
    for (const userId of input.userIds) {
      const finished = random() < 1 / 6;
      const done = finished ? modules.length : Math.floor(random() * modules.length);
      for (let i = 0; i < modules.length; i++) {
        const at = input.now - Math.floor(random() * 30 * 24 * 3600 * 1000);
        if (i < done) progress.run(userId, modules[i], 'completed', 80, 1, 1, at, at, at);
        else if (i === done && random() < 0.7) {
          const failed = random() < 0.3;
          progress.run(userId, modules[i], 'in_progress', failed ? 40 : null, 0, failed ? 2 : 0, at, null, at);
        } else continue;
        rows++;
      }
      if (finished) {
        for (const c of input.courses) certificate.run(`BENCH-${userId}-${c.id}`, userId, c.id, 'x', c.title, 'en', 10, '[]', 'Bench', input.now);
      }
    }
  })();
  return rows;
}
