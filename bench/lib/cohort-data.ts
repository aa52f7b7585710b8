import ExcelJS from 'exceljs';
import type { Db } from '../../server/db/client.ts';
import { certificates, moduleProgress } from '../../server/db/schema.ts';

// Data for the cohort benchmark: a generated enrolment CSV and module progress seeded straight
// into the database (the benchmark measures reading it, not the learning pages that would write it).

/** Rows per multi-row insert: under both engines' limits on statement parameters. */
const CHUNK = 1000;

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

const HEADER = ['email', 'name', 'school', 'region', 'country', 'language'];

/** The enrolment rows: `rows` teachers spread over 40 schools, a third of them with Cyrillic names. */
function enrolmentRows(rows: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const n = String(i).padStart(5, '0');
    const school = `School ${String(i % SCHOOLS).padStart(2, '0')}`;
    const ru = i % 3 === 0;
    out.push([
      `teacher${n}@schools.example.org`,
      `${ru ? 'Учитель' : 'Teacher'} ${n}`,
      school,
      ru ? 'Sakha' : 'Nunavut',
      ru ? 'Russia' : 'Canada',
      ru ? 'ru' : 'en',
    ]);
  }
  return out;
}

/** email,name,school,region,country,language as CSV text. */
export function enrolmentCsv(rows: number): string {
  return `${[HEADER, ...enrolmentRows(rows)].map((r) => r.join(',')).join('\n')}\n`;
}

/** The same rows as enrolmentCsv, as an XLSX workbook (one sheet) built in memory, the way Excel would save it. */
export async function enrolmentXlsx(rows: number): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Teachers');
  sheet.addRow(HEADER);
  for (const row of enrolmentRows(rows)) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * Progress for every member: each learner has got some way through the modules in order; the
 * module they are on is in progress, sometimes with a failed quiz. A sixth finished everything
 * and hold a certificate per course. Written with multi-row inserts in one transaction.
 */
export async function seedProgress(
  db: Db,
  input: { userIds: number[]; courses: { id: number; title: string; modules: { id: number }[] }[]; now: number },
): Promise<number> {
  const random = prng(7);
  const modules = input.courses.flatMap((c) => c.modules.map((m) => m.id));
  const progress: (typeof moduleProgress.$inferInsert)[] = [];
  const issued: (typeof certificates.$inferInsert)[] = [];
  for (const userId of input.userIds) {
    const finished = random() < 1 / 6;
    const done = finished ? modules.length : Math.floor(random() * modules.length);
    for (let i = 0; i < modules.length; i++) {
      const at = input.now - Math.floor(random() * 30 * 24 * 3600 * 1000);
      const moduleId = modules[i]!;
      if (i < done)
        progress.push({
          userId,
          moduleId,
          status: 'completed',
          bestScore: 80,
          quizPassed: true,
          attempts: 1,
          firstViewedAt: at,
          completedAt: at,
          lastActivityAt: at,
        });
      else if (i === done && random() < 0.7) {
        const failed = random() < 0.3;
        progress.push({
          userId,
          moduleId,
          status: 'in_progress',
          bestScore: failed ? 40 : null,
          quizPassed: false,
          attempts: failed ? 2 : 0,
          firstViewedAt: at,
          completedAt: null,
          lastActivityAt: at,
        });
      }
    }
    if (finished) {
      for (const c of input.courses)
        issued.push({
          code: `BENCH-${userId}-${c.id}`,
          userId,
          courseId: c.id,
          learnerName: 'x',
          courseTitle: c.title,
          courseLanguage: 'en',
          hours: 10,
          competencies: [],
          issuerName: 'Bench',
          issuedAt: input.now,
        });
    }
  }
  await db.transaction(async (tx) => {
    for (let i = 0; i < progress.length; i += CHUNK) await tx.insert(moduleProgress).values(progress.slice(i, i + CHUNK));
    for (let i = 0; i < issued.length; i += CHUNK) await tx.insert(certificates).values(issued.slice(i, i + CHUNK));
  });
  return progress.length;
}
