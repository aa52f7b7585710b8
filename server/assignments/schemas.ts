import type { ArtefactKind, Assignment } from '../db/schema.ts';
import { formText } from '../http/validation.ts';

export const MAX_TEXT = 20_000;
export const MAX_URL = 2_000;

/** What the hand-in form sent, as typed (shown again beside the errors). */
export interface HandInValues {
  text: string;
  url: string;
}

/** field -> translation key (assignments namespace); `form` for the form as a whole. */
export type HandInErrors = Partial<Record<'text' | 'url' | 'file' | 'form', string>>;

export function handInValues(body: unknown): HandInValues {
  const b = (body ?? {}) as Record<string, unknown>;
  return { text: formText(b.text), url: formText(b.url).trim() };
}

/** Only an absolute http(s) address with a host: no javascript:, data: or relative links in a trainer's page. */
export function isWebAddress(value: string): boolean {
  if (value.length > MAX_URL || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * Checks the parts the teacher filled in against what the assignment accepts. Returns the
 * parts to store, or errors naming the fields. `hasFile`: a file arrived (checked by the files API).
 */
export function checkHandIn(
  assignment: Assignment,
  values: HandInValues,
  hasFile: boolean,
): { ok: true; text: string | null; url: string | null } | { ok: false; errors: HandInErrors } {
  const errors: HandInErrors = {};
  const accepts = new Set<ArtefactKind>(assignment.accepts);
  const text = values.text.trim() ? values.text : null;
  const url = values.url || null;
  if (text !== null) {
    if (!accepts.has('text')) errors.text = 'error.kindNotAccepted';
    else if (text.length > MAX_TEXT) errors.text = 'error.textTooLong';
  }
  if (url !== null) {
    if (!accepts.has('link')) errors.url = 'error.kindNotAccepted';
    else if (url.length > MAX_URL) errors.url = 'error.urlTooLong';
    else if (!isWebAddress(url)) errors.url = 'error.urlInvalid';
  }
  if (hasFile && !accepts.has('file')) errors.file = 'error.kindNotAccepted';
  if (text === null && url === null && !hasFile) errors.form = 'error.empty';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, text, url };
}
