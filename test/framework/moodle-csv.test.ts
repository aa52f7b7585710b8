import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MOODLE_COLUMNS } from '../../server/framework/exports.ts';
import { createTestApp } from '../helpers.ts';

const ctx = await createTestApp();

// Moodle reads this file with fgetcsv: always ',' (no ';' variant), every field in quotes.
const QUOTED_RECORDS = /^(?:"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*\n)+$/;

describe('GET /framework/moodle.csv', () => {
  it('quotes every field and stays comma-separated whatever the language or sep', async () => {
    const plain = await request(ctx.app).get('/framework/moodle.csv');
    expect(plain.text.startsWith(`${MOODLE_COLUMNS.map((c) => `"${c}"`).join(',')}\n`)).toBe(true);
    expect(plain.text).toMatch(QUOTED_RECORDS);
    for (const query of ['lang=ru', 'sep=semicolon', 'lang=ru&sep=semicolon']) {
      expect((await request(ctx.app).get(`/framework/moodle.csv?${query}`)).text).toBe(plain.text);
    }
    const rows = parse(plain.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1 + 6 + 18);
    expect(rows[0]!.scalevalues).toBe('Not yet competent,Competent');
    for (const row of rows) for (const value of Object.values(row)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('GET /framework/moodle-ru.csv', () => {
  it('is the same framework, same idnumbers, in Russian, as quoted and comma-separated as the English file', async () => {
    const res = await request(ctx.app).get('/framework/moodle-ru.csv');
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="ict-cft-v3-moodle-ru.csv"');
    expect(res.text).toMatch(QUOTED_RECORDS);
    const russian = parse(res.text, { columns: true }) as Record<string, string>[];
    const english = parse((await request(ctx.app).get('/framework/moodle.csv')).text, { columns: true }) as Record<string, string>[];
    expect(russian.map((r) => [r.idnumber, r.parentidnumber])).toEqual(english.map((r) => [r.idnumber, r.parentidnumber]));
    expect(russian[0]!.shortname).toBe('Структура ИКТ-компетентности учителей. Рекомендации ЮНЕСКО. Версия 3');
    expect(russian[0]!.description).toContain('ISBN 978-5-9500869-3-9');
    expect(russian[0]!.scalevalues).toBe('Пока не освоена,Освоена');
  });
});
