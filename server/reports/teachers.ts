import type { PersonSummary } from '../db/schema.ts';
import type { Db } from '../db/client.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';
import { countTeachers, type EvidenceRow, iterateEvidenceOf, type TeacherRow, teacherSlice } from './queries.ts';
import type { Filters } from './schemas.ts';

export const TEACHERS_PER_PAGE = 100;
/**
 * Teachers read per chunk when exporting. It bounds memory and frees the connection between
 * chunks; bigger chunks read each table page fewer times, but their objects outlive V8's
 * young generation and swell the heap (reading the chunks of the bench/report.ts database,
 * 100,000 teachers: 1,000 peaked at 139 MB RSS, 5,000 at 195 MB; 2,000 took about the time
 * of 5,000 at 141-197 MB).
 */
export const EXPORT_CHUNK = 2_000;

const N = COMPETENCIES.length;

export interface TeacherDetail extends PersonSummary {
  /** COMPETENCIES order: when the earliest evidence in the window was recorded (ms), NaN if none. */
  firstAt: Float64Array;
  /** COMPETENCIES order: the module of that evidence (0 if none). */
  firstModule: Int32Array;
}

/**
 * The teachers with, for each competency, their earliest evidence (ties: the lower module
 * id, so the result never depends on row order). Reads the evidence to the end, synchronously.
 * The dates and modules of a whole chunk live in two typed arrays, not in a million small
 * objects: an export then allocates little, and the server's memory stays flat.
 */
export function withFirstEvidence(teachers: TeacherRow[], evidence: Iterable<EvidenceRow>): TeacherDetail[] {
  const at = new Float64Array(teachers.length * N).fill(Number.NaN);
  const modules = new Int32Array(teachers.length * N);
  const slot = new Map<number, number>();
  const out = teachers.map(([id, name, email, school, region, country], t): TeacherDetail => {
    slot.set(id, t * N);
    return { id, name, email, school, region, country, firstAt: at.subarray(t * N, t * N + N), firstModule: modules.subarray(t * N, t * N + N) };
  });
  for (const [userId, i, createdAt, moduleId] of evidence) {
    const base = slot.get(userId);
    if (base === undefined || i === null) continue;
    const seen = at[base + i]!;
    // NaN compares false: the first evidence seen for a competency always wins the slot.
    if (!(createdAt >= seen) || (createdAt === seen && moduleId < modules[base + i]!)) {
      at[base + i] = createdAt;
      modules[base + i] = moduleId;
    }
  }
  return out;
}

function detailsOf(db: Db, filters: Filters, teachers: TeacherRow[]): TeacherDetail[] {
  const ids = teachers.map((t) => t[0]);
  return withFirstEvidence(teachers, iterateEvidenceOf(db, filters, ids));
}

/** One page of the per-teacher view, ordered by name. */
export function teacherPage(db: Db, filters: Filters, page: number, perPage = TEACHERS_PER_PAGE) {
  const total = countTeachers(db, filters);
  const pages = Math.max(1, Math.ceil(total / perPage));
  const current = Math.min(Math.max(1, page), pages);
  const rows = detailsOf(db, filters, teacherSlice(db, filters, { offset: (current - 1) * perPage, limit: perPage }));
  return { rows, total, page: current, pages };
}

/**
 * Every selected teacher, in id order, in chunks of at most `size`: each chunk is one keyset
 * query for the teachers (`id > last`) and one for their evidence, read to the end before
 * the chunk is yielded. The consumer may then await a slow client without keeping the
 * connection busy (an open better-sqlite3 iterator blocks every write of every other
 * request), and memory holds one chunk, whatever the number of teachers.
 */
export function* teacherChunks(db: Db, filters: Filters, size = EXPORT_CHUNK): Generator<TeacherDetail[]> {
  let afterId = 0;
  for (;;) {
    const teachers = teacherSlice(db, filters, { afterId, limit: size });
    if (teachers.length === 0) return;
    yield detailsOf(db, filters, teachers);
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
