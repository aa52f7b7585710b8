import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';
import { rolesOfUser } from './support.ts';

async function asAdmin() {
  const ctx = await createTestApp({ courses: false });
  const { user: admin, agent: a } = await userAgent(ctx, { roles: ['admin'], name: 'Ada Admin' });
  return { ...ctx, admin, a };
}

describe('GET /admin/users', () => {
  it('lists people with their email, school and roles', async () => {
    const { db, a } = await asAdmin();
    await makeUser(db, { name: 'Boris Trainer', email: 'boris@school.example', school: 'Lyceum 3', roles: ['trainer'] });
    await makeUser(db, { name: 'Vera Teacher', email: 'vera@school.example', region: 'Yamal' });
    const res = await a.get('/admin/users');
    expect(res.status).toBe(200);
    expect(res.text).toContain('3 users');
    expect(res.text).toContain('Boris Trainer');
    expect(res.text).toContain('boris@school.example');
    expect(res.text).toContain('Lyceum 3');
    expect(res.text).toContain('Yamal');
    expect(res.text).toMatch(/Boris Trainer[\s\S]*?Teacher, Trainer/);
    expect(res.text).toContain('Make administrator');
    expect(res.text).toContain('Remove trainer');
  });

  it('finds people by part of their name or email (q)', async () => {
    const { db, a } = await asAdmin();
    await makeUser(db, { name: 'Boris Petrov', email: 'bp@north.example' });
    await makeUser(db, { name: 'Vera Sidorova', email: 'vera@south.example' });
    const byName = await a.get('/admin/users?q=petrov');
    expect(byName.text).toContain('Boris Petrov');
    expect(byName.text).not.toContain('Vera Sidorova');
    expect(byName.text).toContain('1 user');
    const byEmail = await a.get('/admin/users?q=SOUTH.example');
    expect(byEmail.text).toContain('Vera Sidorova');
    expect(byEmail.text).not.toContain('Boris Petrov');
    expect(byEmail.text).toContain('value="SOUTH.example"');
  });

  it('finds Cyrillic and other non-ASCII names whatever their case', async () => {
    const { db, a } = await asAdmin();
    await makeUser(db, { name: 'Анна Иванова', email: 'anna@arctic.example' });
    await makeUser(db, { name: 'Máret Ánte Sárá', email: 'maret@sapmi.example' });
    await makeUser(db, { name: 'Boris Petrov', email: 'bp@north.example' });
    for (const q of ['анна', 'ИВАНОВА', 'Ива']) {
      const res = await a.get(`/admin/users?q=${encodeURIComponent(q)}`);
      expect(res.text, q).toContain('Анна Иванова');
      expect(res.text, q).toContain('1 user');
    }
    const sami = await a.get(`/admin/users?q=${encodeURIComponent('MÁRET')}`);
    expect(sami.text).toContain('Máret Ánte Sárá');
    expect(sami.text).not.toContain('Анна Иванова');
  });

  it('treats % and _ in the search as plain characters', async () => {
    const { db, a } = await asAdmin();
    await makeUser(db, { name: 'Plain Name' });
    const res = await a.get(`/admin/users?q=${encodeURIComponent('%')}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('0 users');
  });

  it('shows 50 people per page with links between pages', async () => {
    const { db, a } = await asAdmin();
    for (let i = 0; i < 54; i++) await makeUser(db, { name: `Person ${String(i).padStart(2, '0')}` });
    const first = await a.get('/admin/users');
    expect(first.text).toContain('55 users');
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('Ada Admin');
    expect(first.text).toContain('Person 48');
    expect(first.text).not.toContain('Person 49');
    expect(first.text).toContain('href="/admin/users?q=&amp;page=2"');
    const second = await a.get('/admin/users?page=2');
    expect(second.text).toContain('Page 2 of 2');
    expect(second.text).toContain('Person 49');
    expect(second.text).toContain('Person 53');
    expect(second.text).not.toContain('Person 48');
    // A nonsense page number falls back to the first page.
    const bad = await a.get('/admin/users?page=abc');
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('Page 1 of 2');
  });

  it('answers an htmx search with just the table', async () => {
    const { a } = await asAdmin();
    const res = await a.get('/admin/users?q=ada').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<html');
    expect(res.text.trim()).toMatch(/^<div id="users-table">/);
    expect(res.text).toContain('Ada Admin');
  });

  it('answers a repeated or over-long search with 422, not a server error', async () => {
    const { a } = await asAdmin();
    for (const url of ['/admin/users?q=a&q=b', `/admin/users?q=${'x'.repeat(300)}`]) {
      const res = await a.get(url);
      expect(res.status, url).toBe(422);
      expect(res.text).toContain('Some of what you sent is not valid.');
    }
  });
});

describe('POST /admin/users/:id/roles', () => {
  it('grants and revokes the trainer and administrator roles', async () => {
    const { db, a } = await asAdmin();
    const person = await makeUser(db);
    for (const role of ['trainer', 'admin']) {
      const res = await a.post(`/admin/users/${person.id}/roles`).type('form').send({ role, action: 'grant' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/users?notice=roleSaved');
    }
    expect(await rolesOfUser(db, person.id)).toEqual(['admin', 'teacher', 'trainer']);
    // Granting twice is harmless.
    await a.post(`/admin/users/${person.id}/roles`).type('form').send({ role: 'trainer', action: 'grant' }).expect(303);
    const page = await a.get('/admin/users?notice=roleSaved');
    expect(page.text).toContain('Roles updated.');

    for (const role of ['trainer', 'admin']) {
      await a.post(`/admin/users/${person.id}/roles`).type('form').send({ role, action: 'revoke' }).expect(303);
    }
    expect(await rolesOfUser(db, person.id)).toEqual(['teacher']);
  });

  it('lets an administrator remove another administrator while one remains', async () => {
    const { db, admin, a } = await asAdmin();
    const other = await makeUser(db, { roles: ['admin'] });
    await a.post(`/admin/users/${other.id}/roles`).type('form').send({ role: 'admin', action: 'revoke' }).expect(303);
    expect(await rolesOfUser(db, other.id)).toEqual(['teacher']);
    expect(await rolesOfUser(db, admin.id)).toEqual(['admin', 'teacher']);
  });

  it('keeps the last administrator’s admin role and says why', async () => {
    const { db, admin, a } = await asAdmin();
    const res = await a.post(`/admin/users/${admin.id}/roles`).type('form').send({ role: 'admin', action: 'revoke' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users?notice=lastAdmin');
    expect(await rolesOfUser(db, admin.id)).toEqual(['admin', 'teacher']);
    const page = await a.get(res.headers.location as string);
    expect(page.status).toBe(200);
    expect(page.text).toContain('The last administrator cannot lose the administrator role.');
  });

  it('answers 404 for an unknown person and 422 for an unknown role or action', async () => {
    const { db, a } = await asAdmin();
    const person = await makeUser(db);
    await a.post('/admin/users/999999/roles').type('form').send({ role: 'trainer', action: 'grant' }).expect(404);
    await a.post(`/admin/users/${person.id}/roles`).type('form').send({ role: 'superuser', action: 'grant' }).expect(422);
    await a.post(`/admin/users/${person.id}/roles`).type('form').send({ role: 'trainer', action: 'promote' }).expect(422);
    await a.post('/admin/users/abc/roles').type('form').send({ role: 'trainer', action: 'grant' }).expect(422);
    expect(await rolesOfUser(db, person.id)).toEqual(['teacher']);
  });

  it('refuses a teacher and a trainer with 403 and changes nothing', async () => {
    const ctx = await createTestApp({ courses: false });
    const target = await makeUser(ctx.db);
    for (const roles of [[], ['trainer']] as const) {
      const { user, agent: a } = await userAgent(ctx, { roles: [...roles] });
      await a.post(`/admin/users/${target.id}/roles`).type('form').send({ role: 'admin', action: 'grant' }).expect(403);
      await a.post(`/admin/users/${user.id}/roles`).type('form').send({ role: 'admin', action: 'grant' }).expect(403);
      expect(await rolesOfUser(ctx.db, user.id)).toEqual(['teacher', ...roles]);
    }
    expect(await rolesOfUser(ctx.db, target.id)).toEqual(['teacher']);
  });

  it('sends a visitor to sign in and changes nothing', async () => {
    const ctx = await createTestApp({ courses: false });
    const target = await makeUser(ctx.db);
    const res = await request(ctx.app)
      .post(`/admin/users/${target.id}/roles`)
      .set('Origin', 'http://localhost:3000')
      .type('form')
      .send({ role: 'admin', action: 'grant' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
    expect(await rolesOfUser(ctx.db, target.id)).toEqual(['teacher']);
  });
});
