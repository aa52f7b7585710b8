// A session's start is typed as a date and a time of day without a zone (the browser's date and
// time inputs). They are read in the server's time zone (TZ), which every page of the feature
// names, so a trainer knows what "14:00" means; stored as epoch milliseconds like every time.

/** The server's IANA time zone, e.g. "Europe/Moscow" or "UTC". */
export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "2026-03-10" and "14:30" in the server's zone as epoch ms; null when either is malformed or names
 * a moment that does not exist (30 February, or a time skipped when clocks go forward).
 */
export function localStart(date: string, time: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const [y, mo, da, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  const at = new Date(y, mo - 1, da, h, mi);
  // Date rolls invalid parts over (31 April becomes 1 May): a round trip catches it.
  if (at.getFullYear() !== y || at.getMonth() !== mo - 1 || at.getDate() !== da || at.getHours() !== h || at.getMinutes() !== mi) return null;
  return at.getTime();
}

/** The inputs' values for a stored start, in the server's zone. */
export function localParts(ms: number): { date: string; time: string } {
  const at = new Date(ms);
  return {
    date: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`,
    time: `${pad(at.getHours())}:${pad(at.getMinutes())}`,
  };
}

// Built once per language: a sessions page formats one date per row.
const FORMATS = {
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short' }),
  ru: new Intl.DateTimeFormat('ru-RU', { dateStyle: 'long', timeStyle: 'short' }),
};

/** A start as the reader reads it ("10 March 2026 at 14:30", "10 марта 2026 г. в 14:30"), server zone. */
export function formatStart(ms: number, lang: string): string {
  return (lang === 'ru' ? FORMATS.ru : FORMATS.en).format(new Date(ms));
}
