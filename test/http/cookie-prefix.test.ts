import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { cookieLine, cookieValue, sessionRows } from '../auth/support.ts';
import { createTestApp, makeUser, ORIGIN, PASSWORD } from '../helpers.ts';

const HTTPS = 'https://platform.example';

describe('session cookie name', () => {
  it('is __Host-session over https: Secure, Path=/, no Domain, and it signs the next request in', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { BASE_URL: HTTPS } });
    const user = await makeUser(db, { name: 'Prefix Person' });
    const login = await request(app).post('/login').set('Origin', HTTPS).type('form').send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(303);
    const line = cookieLine(login, '__Host-session') ?? '';
    expect(line).toMatch(/;\s*Secure/i);
    expect(line).toMatch(/;\s*Path=\/(;|$)/);
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).not.toMatch(/;\s*Domain=/i);
    expect(cookieLine(login, 'session')).toBeUndefined();

    const token = cookieValue(login, '__Host-session');
    const profile = await request(app).get('/profile').set('Cookie', `__Host-session=${token}`);
    expect(profile.status).toBe(200);
    expect(profile.text).toContain('Prefix Person');
  });

  it('ignores an unprefixed session cookie over https (a sibling subdomain could have planted it)', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { BASE_URL: HTTPS } });
    const user = await makeUser(db);
    const login = await request(app).post('/login').set('Origin', HTTPS).type('form').send({ email: user.email, password: PASSWORD });
    const token = cookieValue(login, '__Host-session');
    const res = await request(app).get('/profile').set('Cookie', `session=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fprofile');
  });

  it('is cleared under the same name on sign-out over https', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { BASE_URL: HTTPS } });
    const user = await makeUser(db);
    const login = await request(app).post('/login').set('Origin', HTTPS).type('form').send({ email: user.email, password: PASSWORD });
    const token = cookieValue(login, '__Host-session');
    const logout = await request(app).post('/logout').set('Origin', HTTPS).set('Cookie', `__Host-session=${token}`);
    expect(logout.status).toBe(303);
    expect(cookieLine(logout, '__Host-session')).toMatch(/^__Host-session=;.*Path=\/.*Secure/i);
    expect(await sessionRows(db, user.id)).toEqual([]);
  });

  it('stays session over plain http', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const login = await request(app).post('/login').set('Origin', ORIGIN).type('form').send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(303);
    expect(cookieLine(login, '__Host-session')).toBeUndefined();
    const line = cookieLine(login, 'session') ?? '';
    expect(line).not.toMatch(/;\s*Secure/i);
    const token = cookieValue(login, 'session');
    await request(app).get('/profile').set('Cookie', `session=${token}`).expect(200);
  });
});
