import request from 'supertest';
import { expect } from 'vitest';
import { createTestApp, makeUser } from '../helpers.ts';
import { certify, EN_COURSE } from './fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: credential JSON is read and changed freely in assertions
export type Json = Record<string, any>;

/** A fresh app with one certificate issued on 5 March 2025, and its credential as downloaded. */
export async function issued(name = 'Máret Ánte Sárá', slug = EN_COURSE) {
  const ctx = await createTestApp();
  const learner = await makeUser(ctx.db, { name });
  const code = await certify(ctx, learner.id, slug, Date.UTC(2025, 2, 5, 10));
  const res = await request(ctx.app).get(`/certificates/${code}.json`);
  expect(res.status).toBe(200);
  return { ctx, learner, code, credential: res.body as Json };
}
