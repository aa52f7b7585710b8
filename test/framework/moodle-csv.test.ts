import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MOODLE_COLUMNS } from '../../server/framework/exports.ts';
import { createTestApp } from '../helpers.ts';

const ctx = createTestApp();

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
