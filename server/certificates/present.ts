import { competencyTitle } from '../framework/ict-cft.ts';
import { isLanguage, type Language } from '../http/i18n.ts';
import { formatCode } from './code.ts';
import type { CertificateRow } from './queries.ts';

// Small shared facts about a certificate for the page, the PDF and the credential.

export type CertificateStatus = 'valid' | 'revoked' | 'replaced';

export function certificateStatus(cert: Pick<CertificateRow, 'revokedAt' | 'replacedByCode'>): CertificateStatus {
  if (cert.revokedAt != null) return 'revoked';
  if (cert.replacedByCode) return 'replaced';
  return 'valid';
}

/** The language a certificate's own labels are printed in: its course's language when we have it, else English. */
export function labelLanguage(courseLanguage: string): Language {
  const base = courseLanguage.toLowerCase().split('-')[0];
  return isLanguage(base) ? base : 'en';
}

export function certificateUrl(baseUrl: string, code: string): string {
  return `${baseUrl}/certificates/${code}`;
}

export function competencyList(codes: readonly string[], lang: string): { code: string; title: string; level: string }[] {
  return codes.map((code) => ({ code, title: competencyTitle(code, lang), level: code.slice(0, 2).toLowerCase() }));
}

/** 2025-03-05T10:00:00Z: an xsd:dateTimeStamp without milliseconds. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatDateIn(lang: Language, ms: number): string {
  return new Date(ms).toLocaleDateString(lang === 'ru' ? 'ru-RU' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

export function formatHoursIn(lang: Language, hours: number): string {
  return hours.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 });
}

export function fileName(code: string, extension: 'pdf' | 'json'): string {
  return `certificate-${formatCode(code)}.${extension}`;
}
