import type { Response } from 'express';
import type { TFunction } from 'i18next';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import type { ComplianceReport, GroupFigures, ReportMetadata } from './report.ts';
import { isoDay, type TeacherDetail } from './teachers.ts';

// The rows every export shares, so CSV, XLSX and JSON state the same figures in the same words.

export type CellValue = string | number;

export function filtersText(metadata: ReportMetadata, t: TFunction): string {
  return metadata.filters.length ? metadata.filters.map((f) => `${f.label}: ${f.value}`).join('; ') : t('reports:meta.noFilters');
}

/** Label/value rows: when generated, filters, grouping, teachers counted, framework and licence. */
export function metadataRows(metadata: ReportMetadata, t: TFunction): CellValue[][] {
  return [
    [metadata.title],
    [t('reports:meta.generatedAt'), metadata.generatedAt],
    [t('reports:meta.filters'), filtersText(metadata, t)],
    [t('reports:meta.grouping'), metadata.grouping.label],
    [t('reports:meta.teachers'), metadata.teachers],
    [t('reports:population.heading'), metadata.population.text],
    [t('reports:meta.framework'), `${metadata.framework.name}, ${t('reports:meta.version', { version: metadata.framework.version })}`],
    [t('reports:meta.citation'), metadata.framework.citation],
    [t('reports:meta.licence'), metadata.framework.licence, metadata.framework.licenceUrl],
    [t('reports:meta.attribution'), metadata.framework.attribution],
    ...metadata.notes.map((note) => [t('reports:meta.note'), note]),
  ];
}

export function groupName(g: GroupFigures, t: TFunction): string {
  const name = g.name || t('reports:notSet');
  return g.typed ? `${name} (${t('reports:places.typed')})` : name;
}

export function summaryHeader(t: TFunction): string[] {
  return [
    t('reports:columns.code'),
    t('reports:columns.competency'),
    t('reports:columns.teachersWithEvidence'),
    t('reports:columns.percent'),
    t('reports:columns.teachersChecked'),
    t('reports:columns.percent'),
  ];
}

export function summaryRows(report: ComplianceReport, titles: { code: string; title: string }[]): CellValue[][] {
  const { competencies, checked } = report.total;
  return COMPETENCIES.map((c, i) => [c.code, titles[i]!.title, competencies[i]!.count, competencies[i]!.percent, checked[i]!.count, checked[i]!.percent]);
}

export function levelHeader(t: TFunction): string[] {
  return [t('reports:columns.level'), t('reports:columns.levelTitle'), t('reports:columns.holdingAllSix'), t('reports:columns.percent')];
}

export function levelRows(report: ComplianceReport, titles: { code: string; title: string }[]): CellValue[][] {
  return LEVELS.map((l, i) => [l.code, titles[i]!.title, report.total.levels[i]!.count, report.total.levels[i]!.percent]);
}

export function groupHeader(metadata: ReportMetadata, t: TFunction): string[] {
  return [
    metadata.grouping.label,
    t('reports:columns.teachers'),
    ...COMPETENCIES.flatMap((c) => [t('reports:columns.codeCount', { code: c.code }), t('reports:columns.codePercent', { code: c.code })]),
    ...LEVELS.flatMap((l) => [t('reports:columns.levelCount', { code: l.code }), t('reports:columns.levelPercent', { code: l.code })]),
    ...COMPETENCIES.flatMap((c) => [t('reports:columns.checkedCount', { code: c.code }), t('reports:columns.checkedPercent', { code: c.code })]),
  ];
}

export function groupRow(g: GroupFigures, t: TFunction): CellValue[] {
  return [
    groupName(g, t),
    g.teachers,
    ...g.competencies.flatMap((c) => [c.count, c.percent]),
    ...g.levels.flatMap((c) => [c.count, c.percent]),
    ...g.checked.flatMap((c) => [c.count, c.percent]),
  ];
}

export function teacherHeader(t: TFunction): string[] {
  return [
    t('reports:columns.name'),
    t('reports:columns.email'),
    t('reports:columns.school'),
    t('reports:columns.region'),
    t('reports:columns.country'),
    ...COMPETENCIES.map((c) => t('reports:columns.firstEvidence', { code: c.code })),
    ...COMPETENCIES.map((c) => t('reports:columns.source', { code: c.code })),
    ...COMPETENCIES.map((c) => t('reports:columns.standing', { code: c.code })),
  ];
}

/** The words of a per-teacher standing cell, looked up once per export. */
export interface StandingWords {
  demonstrated: string;
  checked: string;
  /** The source of evidence that has no module (a live session or a recognition). */
  otherSource: string;
}
export function standingWords(t: TFunction): StandingWords {
  return { demonstrated: t('reports:standing.demonstrated'), checked: t('reports:standing.checked'), otherSource: t('reports:teachers.otherSource') };
}

/** The cells of a teacher's row, in column order, to `cell` (no array: the CSV export encodes them directly). */
export function eachTeacherCell(d: TeacherDetail, modules: Map<number, string>, words: StandingWords, cell: (value: CellValue) => void): void {
  cell(d.name);
  cell(d.email);
  cell(d.school);
  cell(d.region);
  cell(d.country);
  for (const at of d.firstAt) cell(Number.isNaN(at) ? '' : isoDay(at));
  d.firstModule.forEach((id, i) => {
    cell(Number.isNaN(d.firstAt[i]!) ? '' : id === 0 ? words.otherSource : (modules.get(id) ?? String(id)));
  });
  d.demonstrated.forEach((shows, i) => {
    cell(Number.isNaN(d.firstAt[i]!) ? '' : shows ? words.demonstrated : words.checked);
  });
}

export function teacherRow(d: TeacherDetail, modules: Map<number, string>, words: StandingWords): CellValue[] {
  const row: CellValue[] = [];
  eachTeacherCell(d, modules, words, (value) => row.push(value));
  return row;
}

/** Headers of a private download: never cached, saved under a dated name. */
export function downloadHeaders(res: Response, type: string, name: string, extension: string, generatedAt: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${name}-${generatedAt.slice(0, 10)}.${extension}"`);
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * Resolves when a stream can take more, or when it (or `alsoClosing`, the response) has
 * closed: a client that went away must not leave an export waiting forever.
 */
export function drained(stream: Writable, alsoClosing?: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      alsoClosing?.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    alsoClosing?.on('close', done);
  });
}

/**
 * Streams an export into the response a block at a time, backpressure respected, so a slow
 * client holds the producer back instead of filling memory. Blocks rather than single records,
 * because 100,000 rows x 41 cells through per-record writes spent most of their time in stream
 * and gzip overhead (measured by bench/report.ts). The PassThrough carries the waiting: the
 * compression middleware's res cannot be listened to for 'drain' reliably.
 */
export async function streamBody(res: Response, produce: (write: (data: string | Buffer) => Promise<void>) => Promise<void>): Promise<void> {
  const body = new PassThrough({ highWaterMark: 256 * 1024 });
  const done = pipeline(body, res).catch(() => {
    // The client went away mid-download: nothing is left to tell it.
  });
  const write = async (data: string | Buffer) => {
    if (body.destroyed) return;
    if (!body.write(data)) await drained(body);
  };
  try {
    await produce(write);
  } finally {
    body.end();
  }
  await done;
}
