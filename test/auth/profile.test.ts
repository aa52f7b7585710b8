import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowObjects } from '../../server/db/client.ts';
import { PASSWORD, agent, createTestApp, signedIn, userAgent } from '../helpers.ts';
import { cookieValue, userByEmail } from './support.ts';

const PROFILE = { name: 'Olga Ivanova', school: 'Tiksi School 2', region: 'Sakha', country: 'Russia', language: 'en' };

async function profileRow(db: Awaited<ReturnType<typeof createTestApp>>['db'], id: number) {
  const [row] = await rowObjects(db, sql`SELECT name, school, region, country, language FROM users WHERE id = ${id}`);
  return row;
}

describe('GET /profile', () => {
  it('shows the signed-in person’s details in the form', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx, { name: 'Olga Ivanova', school: 'Tiksi School 2', region: 'Sakha', country: 'Russia', language: 'ru' });
    const res = await a.get('/profile?lang=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('value="Olga Ivanova"');
    expect(res.text).toContain('value="Tiksi School 2"');
    expect(res.text).toContain('value="Sakha"');
    expect(res.text).toContain('value="Russia"');
    expect(res.text).toMatch(/<option value="ru"\s+selected>/);
    expect(res.text).toContain(user.email);
    expect(res.text).toContain('action="/profile/password"');
  });
});

describe('POST /profile', () => {
  it('saves name, school, region, country and language', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx);
    const res = await a
      .post('/profile')
      .type('form')
      .send({ ...PROFILE, name: '  Olga Ivanova  ' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?saved=profile&lang=en');
    expect(await profileRow(ctx.db, user.id)).toEqual(PROFILE);
    const page = await a.get(res.headers.location as string);
    expect(page.text).toContain('Your profile was saved.');
    expect(page.text).toContain('value="Tiksi School 2"');
  });

  it('switches the interface language to the one chosen', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx, { language: 'en' });
    const res = await a
      .post('/profile')
      .type('form')
      .send({ ...PROFILE, language: 'ru' });
    expect(res.status).toBe(303);
    expect(cookieValue(res, 'lang')).toBe('ru');
    expect(await profileRow(ctx.db, user.id)).toMatchObject({ language: 'ru' });
    const saved = await a.get(res.headers.location as string);
    expect(saved.text).toContain('<html lang="ru">');
    // The choice sticks without the query string too.
    const later = await a.get('/profile');
    expect(later.text).toContain('<html lang="ru">');
  });

  it('answers 422 with a message per field, keeps what was typed and changes nothing', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx, { name: 'Before', school: 'Old School' });
    const res = await a
      .post('/profile')
      .type('form')
      .send({ name: '', school: 'New School', region: 'R'.repeat(121), country: 'Norway', language: 'de' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Please fill this in.');
    expect(res.text).toContain('This is too long.');
    expect(res.text).toContain('Choose English or Russian.');
    expect(res.text).toContain('value="New School"');
    expect(res.text).toContain('value="Norway"');
    // The (read-only) email line still names the account.
    expect(res.text).toContain(user.email);
    expect(await profileRow(ctx.db, user.id)).toMatchObject({ name: 'Before', school: 'Old School', language: 'en' });
  });

  it('sends a visitor to sign in and changes nothing', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await agent(app).post('/profile').type('form').send(PROFILE);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });
});

describe('POST /profile/password', () => {
  it('requires the current password', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx);
    const before = (await userByEmail(ctx.db, user.email))?.password_hash;
    for (const current of ['not my password', '']) {
      const res = await a.post('/profile/password').type('form').send({ current, password: 'a fresh passphrase 9' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('Your current password is not right.');
      expect(res.text).not.toContain('a fresh passphrase 9');
    }
    expect((await userByEmail(ctx.db, user.email))?.password_hash).toBe(before);
    await signedIn(ctx.app, user.email, PASSWORD);
  });

  it('refuses a new password that is too short or common', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: a } = await userAgent(ctx);
    const short = await a.post('/profile/password').type('form').send({ current: PASSWORD, password: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('Use at least 8 characters.');
    const common = await a.post('/profile/password').type('form').send({ current: PASSWORD, password: 'password123' });
    expect(common.status).toBe(422);
    expect(common.text).toContain('This password is one of the most common ones.');
  });

  it('changes the password: the new one signs in, the old one no longer does', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx);
    const res = await a.post('/profile/password').type('form').send({ current: PASSWORD, password: 'a fresh passphrase 9' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?saved=password');
    const page = await a.get('/profile?saved=password');
    expect(page.text).toContain('Your password was changed.');
    await agent(ctx.app).post('/login').type('form').send({ email: user.email, password: PASSWORD }).expect(401);
    await signedIn(ctx.app, user.email, 'a fresh passphrase 9');
  });
});
