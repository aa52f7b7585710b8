import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { countUsers, signupForm } from '../auth/support.ts';
import { createTestApp } from '../helpers.ts';

// BASE_URL is http://localhost:3000 in tests: only that origin (scheme, host and port) may write.
describe('writes trust only BASE_URL', () => {
  it('refuses an Origin that matches the Host header but not BASE_URL (DNS rebinding)', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const res = await request(app).post('/signup').set('Host', 'rebound.example').set('Origin', 'http://rebound.example').type('form').send(signupForm());
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form was sent from another site, so it was refused.');
    expect(await countUsers(db)).toBe(0);
  });

  it('refuses BASE_URL’s host under another scheme or port', async () => {
    const { app, db } = await createTestApp({ courses: false });
    for (const origin of ['https://localhost:3000', 'http://localhost:3001', 'http://localhost']) {
      const res = await request(app).post('/signup').set('Origin', origin).type('form').send(signupForm());
      expect(res.status, origin).toBe(403);
    }
    expect(await countUsers(db)).toBe(0);
  });

  it('refuses http when BASE_URL is https', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { BASE_URL: 'https://platform.example' } });
    const res = await request(app).post('/signup').set('Origin', 'http://platform.example').type('form').send(signupForm());
    expect(res.status).toBe(403);
    expect(await countUsers(db)).toBe(0);
  });

  it('judges a Referer (sent without Origin) by the same origin', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const rebound = await request(app)
      .post('/signup')
      .set('Host', 'rebound.example')
      .set('Referer', 'http://rebound.example/signup')
      .type('form')
      .send(signupForm());
    expect(rebound.status).toBe(403);
    expect(await countUsers(db)).toBe(0);
    const same = await request(app)
      .post('/signup')
      .set('Host', 'rebound.example')
      .set('Referer', 'http://localhost:3000/signup')
      .type('form')
      .send(signupForm());
    expect(same.status).toBe(303);
    expect(await countUsers(db)).toBe(1);
  });

  it('accepts BASE_URL’s origin, whatever Host the request carried', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { BASE_URL: 'https://platform.example' } });
    const res = await request(app).post('/signup').set('Host', '10.0.0.5:3000').set('Origin', 'https://platform.example').type('form').send(signupForm());
    expect(res.status).toBe(303);
    expect(await countUsers(db)).toBe(1);
  });
});
