import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { PASSWORD, agent, createTestApp, makeUser, userAgent } from '../helpers.ts';
import { cookieValue, countUsers, rolesOfUser, sessionRows, signupForm } from './support.ts';

const SCRIPT = '<script>alert(1)</script>';
const SCRIPT_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const IMG = '"><img src=x onerror=alert(1)>';
const IMG_ESCAPED = '&#34;&gt;&lt;img src=x onerror=alert(1)&gt;';

describe('same-origin writes', () => {
  it('refuses a sign-up from another site with 403 and creates no one', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const res = await request(app).post('/signup').set('Origin', 'https://evil.example').type('form').send(signupForm());
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form was sent from another site, so it was refused.');
    expect(await countUsers(db)).toBe(0);
    expect(cookieValue(res, 'session')).toBeUndefined();
  });

  it('refuses a sign-out from another site and keeps the session', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx);
    const res = await a.post('/logout').set('Origin', 'https://evil.example');
    expect(res.status).toBe(403);
    expect(await sessionRows(ctx.db, user.id)).toHaveLength(1);
    await a.get('/profile').expect(200);
  });

  it('refuses a write that carries neither Origin nor Referer', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const signup = await request(app).post('/signup').type('form').send(signupForm());
    expect(signup.status).toBe(403);
    const login = await request(app).post('/login').type('form').send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(await countUsers(db)).toBe(1);
    expect(await sessionRows(db)).toEqual([]);
  });

  it('refuses a cross-site Referer, and an Origin that is not a URL', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const evilReferer = await request(app).post('/signup').set('Referer', 'https://evil.example/page').type('form').send(signupForm());
    expect(evilReferer.status).toBe(403);
    const garbage = await request(app).post('/signup').set('Origin', 'not a url').type('form').send(signupForm());
    expect(garbage.status).toBe(403);
    expect(await countUsers(db)).toBe(0);
  });

  it('accepts a same-site Referer when the browser sends no Origin', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const res = await request(app).post('/signup').set('Referer', 'http://localhost:3000/signup').type('form').send(signupForm());
    expect(res.status).toBe(303);
    expect(await countUsers(db)).toBe(1);
  });

  it('refuses an Origin that names only the request’s own Host, not BASE_URL (DNS rebinding)', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const res = await request(app).post('/signup').set('Host', 'pd.school.example').set('Origin', 'http://pd.school.example').type('form').send(signupForm());
    expect(res.status).toBe(403);
    expect(await countUsers(db)).toBe(0);
  });

  it('accepts an Origin naming BASE_URL’s host behind https', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { BASE_URL: 'https://x.example' } });
    const res = await request(app).post('/signup').set('Origin', 'https://x.example').type('form').send(signupForm());
    expect(res.status).toBe(303);
    expect(await countUsers(db)).toBe(1);
    const evil = await request(app).post('/signup').set('Origin', 'https://evil.example').type('form').send(signupForm());
    expect(evil.status).toBe(403);
  });
});

describe('protected pages for visitors', () => {
  for (const path of ['/profile', '/admin/users', '/admin/users?q=ada']) {
    it(`sends a visitor from ${path} to sign in, then back`, async () => {
      const { app } = await createTestApp({ courses: false });
      const res = await request(app).get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    });
  }

  // /dashboard and /cohorts belong to later issues: until their routes exist a visitor gets 404,
  // and the check is skipped; once they exist it must be a redirect to sign in.
  for (const path of ['/dashboard', '/cohorts']) {
    it(`sends a visitor from ${path} to sign in (skipped while the page does not exist)`, async (ctx) => {
      const { app } = await createTestApp({ courses: false });
      const res = await request(app).get(path);
      if (res.status === 404) return ctx.skip(`${path} is not built yet`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    });
  }

  it('answers an htmx write from a visitor with HX-Redirect to sign in, even with a broken HX-Current-URL', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await agent(app).post('/profile').set('HX-Request', 'true').set('HX-Current-URL', 'http://localhost:3000/profile?tab=1').type('form').send({});
    expect(res.headers['hx-redirect']).toBe('/login?next=%2Fprofile');
    const broken = await agent(app).post('/profile').set('HX-Request', 'true').set('HX-Current-URL', 'not a url').type('form').send({});
    expect(broken.status).toBeLessThan(500);
    expect(broken.headers['hx-redirect']).toBe('/login?next=%2Fdashboard');
  });
});

describe('the next page after sign-in', () => {
  it('follows a local path from the sign-in form', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const visitor = agent(app);
    const redirect = await visitor.get('/profile');
    const form = await visitor.get(redirect.headers.location as string);
    expect(form.text).toContain('name="next" value="/profile"');
    const res = await visitor.post('/login').type('form').send({ email: user.email, password: PASSWORD, next: '/profile' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
  });

  for (const next of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', 'evil.example']) {
    it(`falls back to /dashboard for next=${next}`, async () => {
      const { app, db } = await createTestApp({ courses: false });
      const user = await makeUser(db);
      const form = await request(app).get(`/login?next=${encodeURIComponent(next)}`);
      expect(form.text).toContain('name="next" value="/dashboard"');
      const res = await agent(app).post('/login').type('form').send({ email: user.email, password: PASSWORD, next });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/dashboard');
    });
  }

  it('answers an htmx sign-in with HX-Redirect to /dashboard when next could not be a header', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    for (const next of ['/profile?x=й', '/profile\r\nX-Injected: 1', '/profile x']) {
      const res = await agent(app)
        .post('/login')
        .set('HX-Request', 'true')
        .set('HX-Request-Type', 'partial')
        .type('form')
        .send({ email: user.email, password: PASSWORD, next });
      expect(res.status, JSON.stringify(next)).toBe(204);
      expect(res.headers['hx-redirect']).toBe('/dashboard');
      expect(res.headers['x-injected']).toBeUndefined();
    }
    // A percent-encoded path, as browsers send them, is kept.
    const encoded = await agent(app)
      .post('/login')
      .set('HX-Request', 'true')
      .type('form')
      .send({ email: user.email, password: PASSWORD, next: '/courses/%D0%BA%D1%83%D1%80%D1%81?page=2' });
    expect(encoded.headers['hx-redirect']).toBe('/courses/%D0%BA%D1%83%D1%80%D1%81?page=2');
  });

  it('does not send someone already signed in off-site either', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: a } = await userAgent(ctx);
    for (const next of ['https://evil.example', '//evil.example']) {
      const res = await a.get(`/login?next=${encodeURIComponent(next)}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/dashboard');
    }
  });
});

describe('escaping what people typed', () => {
  it('shows a hostile name and school escaped on /profile', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: a } = await userAgent(ctx, { name: SCRIPT, school: IMG });
    const res = await a.get('/profile');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(SCRIPT);
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain(SCRIPT_ESCAPED);
    expect(res.text).toContain(IMG_ESCAPED);
  });

  it('keeps a hostile profile edit escaped when it comes back', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: a } = await userAgent(ctx);
    await a.post('/profile').type('form').send({ name: SCRIPT, school: IMG, region: '', country: '', language: 'en' }).expect(303);
    const res = await a.get('/profile');
    expect(res.text).not.toContain(SCRIPT);
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain(SCRIPT_ESCAPED);
    // And refused input is escaped as well.
    const refused = await a.post('/profile').type('form').send({ name: '', school: IMG, language: 'en' });
    expect(refused.status).toBe(422);
    expect(refused.text).not.toContain('<img src=x');
    expect(refused.text).toContain(IMG_ESCAPED);
  });

  it('shows a hostile name and school escaped on /admin/users and the reset link page', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: admin } = await userAgent(ctx, { roles: ['admin'] });
    const target = await makeUser(ctx.db, { name: SCRIPT, school: IMG, region: IMG });
    const list = await admin.get('/admin/users');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(SCRIPT);
    expect(list.text).not.toContain('<img src=x');
    expect(list.text).toContain(SCRIPT_ESCAPED);
    expect(list.text).toContain(IMG_ESCAPED);
    const link = await admin.post(`/admin/users/${target.id}/reset-link`);
    expect(link.status).toBe(200);
    expect(link.text).not.toContain(SCRIPT);
    expect(link.text).toContain(SCRIPT_ESCAPED);
    const url = /value="http:\/\/localhost:3000(\/password-reset\/[a-z2-7]+)"/.exec(link.text)?.[1] as string;
    const setPassword = await request(ctx.app).get(url);
    expect(setPassword.status).toBe(200);
    expect(setPassword.text).not.toContain(SCRIPT);
    expect(setPassword.text).toContain(SCRIPT_ESCAPED);
  });

  it('escapes a hostile search term and notice', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: admin } = await userAgent(ctx, { roles: ['admin'] });
    const res = await admin.get(`/admin/users?q=${encodeURIComponent(IMG)}&notice=${encodeURIComponent(SCRIPT)}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).not.toContain(SCRIPT);
  });
});

describe('role checks', () => {
  it('gives a teacher 403 on /admin/users and on changing roles', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx);
    const page = await a.get('/admin/users');
    expect(page.status).toBe(403);
    expect(page.text).toContain('You do not have permission to see or change this.');
    await a.post(`/admin/users/${user.id}/roles`).type('form').send({ role: 'admin', action: 'grant' }).expect(403);
    expect(await rolesOfUser(ctx.db, user.id)).toEqual(['teacher']);
  });

  it('gives a trainer 403 on /admin/users', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: a } = await userAgent(ctx, { roles: ['trainer'] });
    await a.get('/admin/users').expect(403);
  });

  it('lets an administrator in', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: a } = await userAgent(ctx, { roles: ['admin'] });
    await a.get('/admin/users').expect(200);
  });

  it('notices a role taken away at once, without signing in again', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx, { roles: ['admin'] });
    await makeUser(ctx.db, { roles: ['admin'] });
    await a.get('/admin/users').expect(200);
    await a.post(`/admin/users/${user.id}/roles`).type('form').send({ role: 'admin', action: 'revoke' }).expect(303);
    await a.get('/admin/users').expect(403);
  });
});

describe('Origin "null"', () => {
  it('is refused even with a same-site Referer', async () => {
    const { createTestApp } = await import('../helpers.ts');
    const ctx = await createTestApp({ courses: false });
    const res = await (await import('supertest')).default(ctx.app).post('/logout').set('Origin', 'null').set('Referer', 'http://localhost:3000/profile');
    expect(res.status).toBe(403);
  });
});
