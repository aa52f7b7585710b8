import { emailField } from '../auth/schemas.ts';
import { HEADER_SEARCH_ROWS, type Located, MAX_ROWS, type Problem, readTable } from '../cohorts/csv-import.ts';
import { fieldOf, foldHeading } from '../cohorts/headings.ts';
import { type ReadAs, readUpload } from '../cohorts/spreadsheet-upload.ts';
import type { ChecklistMember } from './queries.ts';

// A webinar tool's attendance export (Zoom, Teams, Webex, Meet, a hand-made sheet) read with the
// cohort import's decoding, matched by e-mail against the cohort's active members. Pure: the
// routes write nothing until the trainer confirms the preview.

export interface AttendanceColumns {
  email: number;
  name: number | null;
  /** The e-mail column's heading as the file spells it, named in row problems. */
  emailHeading: string;
}

/**
 * The row of headings: one with an e-mail column (Email, User Email, Attendee Email, Почта...) and
 * no address in any cell.
 */
// Whole headings only (folded: lower case, no spaces or hyphens): a cell that merely contains "mail"
// ("Mail room", or a whole line read with the wrong separator) is not the column.
const EMAIL_HEADING = /^((user|attendee|participant|guest|registrant)e?mail(address)?|e?mailaddress|почта|.*электроннойпочты|электроннаяпочта)$/;

export function attendanceColumns(record: string[]): AttendanceColumns | null {
  // A row holding an address is a participant, whatever its other cells say ("Mail room" as a name).
  if (record.some((cell) => cell.includes('@'))) return null;
  let email = -1;
  let name = -1;
  record.forEach((heading, i) => {
    const folded = foldHeading(heading);
    if (folded.length > 60 || folded === '') return;
    if (email < 0 && (fieldOf(heading) === 'email' || EMAIL_HEADING.test(folded))) email = i;
    else if (name < 0 && (fieldOf(heading) === 'name' || /name|имя|фио|участник/.test(folded))) name = i;
  });
  return email < 0 ? null : { email, name: name < 0 ? null : name, emailHeading: (record[email] ?? '').trim().slice(0, 80) };
}

export const isAttendanceHeader = (fields: string[]) => attendanceColumns(fields) !== null;

/** A problem with the whole file; `key` is a sessions: key or a cohorts: import key. */
export type FileProblem = Problem & { file?: string };

export type FileText = { ok: true; text: string; readAs: ReadAs | null } | { ok: false; error: FileProblem };

/** The uploaded export (CSV or XLSX) as CSV text, the form the preview carries to the confirmation. */
export async function readAttendanceUpload(file: { originalname: string; mimetype: string; buffer: Buffer }): Promise<FileText> {
  const read = await readUpload(file, { isHeader: isAttendanceHeader });
  return read.ok ? read : { ok: false, error: { ...read.error, key: `cohorts:${read.error.key}` } };
}

export type RowOutcome = 'new' | 'recorded' | 'unknown' | 'invalid' | 'missing' | 'duplicate';
export interface PreviewRow {
  line: number;
  email: string;
  name: string;
  outcome: RowOutcome;
  member?: { id: number; name: string };
  /** For a duplicate: the line where the address first appears. */
  firstLine?: number;
}
export interface AttendancePlan {
  rows: PreviewRow[];
  emailHeading: string;
  counts: Record<RowOutcome, number>;
  /** Members the confirmation records: matched and not recorded yet. */
  toRecord: number[];
}

/**
 * Finds the list in the text and matches it. Some exports (Zoom) put a summary with the host's
 * address above the participants: a second row of headings below the first starts the list.
 */
export function planAttendance(text: string, members: ChecklistMember[]): { ok: true; plan: AttendancePlan } | { ok: false; error: FileProblem } {
  const table = readTable(text, attendanceColumns, { maxRows: MAX_ROWS, noHeaderKey: 'sessions:file.noEmailColumn' });
  if (!table.ok) return { ok: false, error: table.error.key.includes(':') ? table.error : { ...table.error, key: `cohorts:${table.error.key}` } };
  let { columns, body } = table;
  const again = body.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => attendanceColumns(r.record) !== null);
  if (again >= 0) {
    columns = attendanceColumns(body[again]!.record)!;
    body = body.slice(again + 1);
  }
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m]));
  const seen = new Map<string, number>();
  const counts: Record<RowOutcome, number> = { new: 0, recorded: 0, unknown: 0, invalid: 0, missing: 0, duplicate: 0 };
  const toRecord: number[] = [];
  const rows = body.map(({ line, record }: Located): PreviewRow => {
    const raw = (record[columns.email] ?? '').trim();
    const name = columns.name === null ? '' : (record[columns.name] ?? '').trim().slice(0, 200);
    const row = (outcome: RowOutcome, extra: Partial<PreviewRow> = {}): PreviewRow => {
      counts[outcome]++;
      return { line, email: raw.slice(0, 254), name, outcome, ...extra };
    };
    if (raw === '') return row('missing');
    const email = emailField.safeParse(raw);
    if (!email.success) return row('invalid');
    const first = seen.get(email.data);
    // Someone who left and joined again appears once per visit: the first row counts.
    if (first !== undefined) return row('duplicate', { firstLine: first });
    seen.set(email.data, line);
    const member = byEmail.get(email.data);
    if (!member) return row('unknown');
    if (!member.recorded) toRecord.push(member.id);
    return row(member.recorded ? 'recorded' : 'new', { member: { id: member.id, name: member.name } });
  });
  return { ok: true, plan: { rows, emailHeading: columns.emailHeading, counts, toRecord } };
}
