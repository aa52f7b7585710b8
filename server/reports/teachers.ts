import type { PersonSummary } from '../db/schema.ts';
import type { Db } from '../db/client.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';
import { countTeachers } from './queries.ts';
import { type EvidenceRow, evidenceOf, type TeacherRow, teacherSlice } from './teacher-queries.ts';
import type { Filters } from './schemas.ts';

export const TEACHERS_PER_PAGE = 100;
/**
 * Teachers read per chunk when exporting. It bounds memory and frees the connection between
 * chunks; bigger chunks read each table page fewer times, but their objects outlive V8's
 * young generation and swell the heap (reading the chunks of the bench/report.ts database,
 * 100,000 teachers: 1,000 peaked at 139 MB RSS, 5,000 at 195 MB; 2,000 took about the time
 * of 5,000 at 141-197 MB). Since a chunk's evidence arrives whole (rawRows) rather than row
 * by row, 2,000 let the server's heap grow to 215 MB during the CSV export (peak RSS 385 MB
 * on SQLite); 1,000 kept it at 90 MB (235 MB RSS) in the same time.
 */
export const EXPORT_CHUNK = 1_000;

const N = COMPETENCIES.length;

export interface TeacherDetail extends PersonSummary {
  /** COMPETENCIES order: when the earliest evidence in the window was recorded (ms), NaN if none. */
  firstAt: Float64Array;
  /** COMPETENCIES order: the module of that evidence (0 if none, or a live session or recognition). */
  firstModule: Int32Array;
  /** COMPETENCIES order: 1 when that evidence demonstrates the competency, 0 when it shows knowledge checked only. */
  demonstrated: Uint8Array;
}

/**
 * The teachers with, for each competency, their earliest demonstrating evidence, or failing that
 * their earliest evidence (knowledge checked); ties: the lower module id, so the result never
 * depends on row order.
 * The dates and modules of a whole chunk live in two typed arrays, not in a million small
 * objects: an export then allocates little, and the server's memory stays flat.
 */
export function withFirstEvidence(teachers: TeacherRow[], evidence: Iterable<EvidenceRow>): TeacherDetail[] {
  const at = new Float64Array(teachers.length * N).fill(Number.NaN);
  const modules = new Int32Array(teachers.length * N);
  const shows = new Uint8Array(teachers.length * N);
  const slot = new Map<number, number>();
  const out = teachers.map(([id, name, email, school, region, country], t): TeacherDetail => {
    slot.set(id, t * N);
    const part = <A extends Float64Array | Int32Array | Uint8Array>(a: A) => a.subarray(t * N, t * N + N) as A;
    return { id, name, email, school, region, country, firstAt: part(at), firstModule: part(modules), demonstrated: part(shows) };
  });
  for (const [userId, i, createdAt, moduleId, demonstrates] of evidence) {
    const base = slot.get(userId);
    if (base === undefined || i === null) continue;
    const k = base + i;
    const seen = at[k]!;
    const better = Number(demonstrates) - shows[k]!;
    // NaN compares false: the first evidence seen for a competency always wins an empty slot.
    if (better > 0 || (better === 0 && (!(createdAt >= seen) || (createdAt === seen && moduleId < modules[k]!)))) {
      at[k] = createdAt;
      modules[k] = moduleId;
      shows[k] = Number(demonstrates);
    }
  }
  return out;
}

async function detailsOf(db: Db, filters: Filters, teachers: TeacherRow[]): Promise<TeacherDetail[]> {
  const ids = teachers.map((t) => t[0]);
  return withFirstEvidence(teachers, await evidenceOf(db, filters, ids));
}

/** One page of the per-teacher view, ordered by name. */
export async function teacherPage(db: Db, filters: Filters, page: number, perPage = TEACHERS_PER_PAGE) {
  const total = await countTeachers(db, filters);
  const pages = Math.max(1, Math.ceil(total / perPage));
  const current = Math.min(Math.max(1, page), pages);
  const rows = await detailsOf(db, filters, await teacherSlice(db, filters, { offset: (current - 1) * perPage, limit: perPage }));
  return { rows, total, page: current, pages };
}

/**
 * Every selected teacher, in id order, in chunks of at most `size`: each chunk is one keyset
 * query for the teachers (`id > last`) and one for their evidence, read whole before the
 * chunk is yielded. The consumer may then await a slow client without holding a connection
 * or an open statement (a cursor held meanwhile would keep one of the pool's connections per
 * download), and memory holds one chunk, whatever the number of teachers.
 */
export async function* teacherChunks(db: Db, filters: Filters, size = EXPORT_CHUNK): AsyncGenerator<TeacherDetail[]> {
  let afterId = 0;
  for (;;) {
    const teachers = await teacherSlice(db, filters, { afterId, limit: size });
    if (teachers.length === 0) return;
    yield await detailsOf(db, filters, teachers);
    if (teachers.length < size) return;
    afterId = teachers[teachers.length - 1]![0];
  }
}

const DAY_MS = 24 * 3600 * 1000;
const dayNames = new Map<number, string>();

/** YYYY-MM-DD (UTC) of an evidence time: the export and page format. Cached: exports ask ~1,000,000 times for a few hundred days. */
export function isoDay(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 20_000) dayNames.clear();
    dayNames.set(day, name);
  }
  return name;
}
