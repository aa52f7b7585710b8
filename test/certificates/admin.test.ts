import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { certificates, users } from '../../server/db/schema.ts';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';
import { certificateRow, certify, sessionCookie } from './fixtures.ts';

describe('admin panel on GET /certificates/:code', () => {
  it('shows administrators the names, the private reason and the actions', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const learner = await makeUser(ctx.db, { name: 'Anna Ivanova' });
    const code = await certify(ctx, learner.id);
    await ctx.db.update(users).set({ name: 'Анна Иванова' }).where(eq(users.id, learner.id));
    const res = await agent.get(`/certificates/${code}`);
    expect(res.text).toContain('id="admin-panel"');
    expect(res.text).toContain('Анна Иванова');
    expect(res.text).toContain(`action="/certificates/${code}/revoke"`);
    expect(res.text).toContain(`action="/certificates/${code}/reissue"`);
    expect(res.text).toContain(`href="/certificates/${code}.pdf"`);
  });

  it('is not shown to teachers or trainers', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['trainer'] });
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const res = await agent.get(`/certificates/${code}`);
    expect(res.text).not.toContain('id="admin-panel"');
    expect(res.text).not.toContain('/revoke');
  });
});

describe('POST /certificates/:code/revoke', () => {
  it('revokes with a private reason and shows the certificate as revoked', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const res = await agent.post(`/certificates/${code.toLowerCase()}/revoke`).type('form').send({ reason: '  Issued to the wrong person  ' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/certificates/${code}?notice=revoked`);
    const row = await certificateRow(ctx, code);
    expect(row?.revokedReason).toBe('Issued to the wrong person');
    expect(row?.revokedAt).toBeGreaterThan(0);

    const adminView = await agent.get(res.headers.location as string);
    expect(adminView.text).toContain('The certificate has been revoked.');
    expect(adminView.text).toContain('Issued to the wrong person'); // admins see the reason
    const publicView = await request(ctx.app).get(`/certificates/${code}`);
    expect(publicView.text).toContain('status-revoked');
    expect(publicView.text).not.toContain('wrong person');
  });

  it('keeps the first revocation when asked twice', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    await agent.post(`/certificates/${code}/revoke`).type('form').send({ reason: 'first' });
    const res = await agent.post(`/certificates/${code}/revoke`).type('form').send({ reason: 'second' });
    expect(res.headers.location).toBe(`/certificates/${code}?notice=alreadyRevoked`);
    expect((await certificateRow(ctx, code))?.revokedReason).toBe('first');
  });

  it('asks for a reason (422, nothing changed)', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const res = await agent.post(`/certificates/${code}/revoke`).type('form').send({ reason: '   ' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Please fill this in.');
    expect(res.text).toContain('aria-invalid="true"');
    expect((await certificateRow(ctx, code))?.revokedAt).toBeNull();
  });

  it('is refused to a teacher (403) and sends a visitor to sign in', async () => {
    const ctx = await createTestApp();
    const { user, agent } = await userAgent(ctx);
    const code = await certify(ctx, user.id);
    expect((await agent.post(`/certificates/${code}/revoke`).type('form').send({ reason: 'mine' })).status).toBe(403);
    const visitor = await request(ctx.app).post(`/certificates/${code}/revoke`).set('Origin', ctx.config.baseUrl).type('form').send({ reason: 'x' });
    expect(visitor.status).toBe(303);
    expect(visitor.headers.location).toMatch(/^\/login/);
    expect((await certificateRow(ctx, code))?.revokedAt).toBeNull();
  });

  it('refuses a cross-site POST from a signed-in admin (no Origin, or another site)', async () => {
    const ctx = await createTestApp();
    const admin = await makeUser(ctx.db, { roles: ['admin'] });
    const cookie = await sessionCookie(ctx, admin.email);
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const noOrigin = await request(ctx.app).post(`/certificates/${code}/revoke`).set('Cookie', cookie).type('form').send({ reason: 'csrf' });
    expect(noOrigin.status).toBe(403);
    const evil = await request(ctx.app).post(`/certificates/${code}/reissue`).set('Cookie', cookie).set('Origin', 'https://evil.example').send();
    expect(evil.status).toBe(403);
    expect(await certificateRow(ctx, code)).toMatchObject({ revokedAt: null, replacedByCode: null });
  });

  it('answers 404 for an unknown code', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    expect((await agent.post('/certificates/ZZZZZZZZZZ/revoke').type('form').send({ reason: 'x' })).status).toBe(404);
  });
});

describe('POST /certificates/:code/reissue', () => {
  it('issues a new certificate with the corrected name and marks the old one replaced', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const learner = await makeUser(ctx.db, { name: 'Lukasz Zolc' });
    const old = await certify(ctx, learner.id);
    await ctx.db.update(users).set({ name: 'Łukasz Żółć' }).where(eq(users.id, learner.id));

    const res = await agent.post(`/certificates/${old}/reissue`).send();
    expect(res.status).toBe(303);
    const match = /^\/certificates\/([2-9A-HJKMNP-Z]{10})\?notice=reissued$/.exec(res.headers.location as string);
    expect(match).not.toBeNull();
    const fresh = match?.[1] as string;
    expect((await certificateRow(ctx, old))?.replacedByCode).toBe(fresh);
    expect(await certificateRow(ctx, fresh)).toMatchObject({ learnerName: 'Łukasz Żółć', replacedByCode: null, revokedAt: null });
    expect(await ctx.db.select().from(certificates).where(eq(certificates.userId, learner.id))).toHaveLength(2);

    const page = await agent.get(res.headers.location as string);
    expect(page.text).toContain('A new certificate has been issued.');
    expect(page.text).toContain('Łukasz Żółć');
    const oldPage = await request(ctx.app).get(`/certificates/${old}`);
    expect(oldPage.text).toContain('status-replaced');
    expect(oldPage.text).toContain(`href="/certificates/${fresh}"`);
    expect(oldPage.text).not.toContain('Lukasz Zolc');
  });

  it('does not re-issue a replaced or revoked certificate', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const learner = await makeUser(ctx.db);
    const old = await certify(ctx, learner.id);
    await agent.post(`/certificates/${old}/reissue`).send();
    const again = await agent.post(`/certificates/${old}/reissue`).send();
    expect(again.headers.location).toBe(`/certificates/${old}?notice=cannotReissue`);
    expect(await ctx.db.select().from(certificates)).toHaveLength(2);
  });

  it('is refused to a teacher, even for their own certificate', async () => {
    const ctx = await createTestApp();
    const { user, agent } = await userAgent(ctx);
    const code = await certify(ctx, user.id);
    expect((await agent.post(`/certificates/${code}/reissue`).send()).status).toBe(403);
    expect((await certificateRow(ctx, code))?.replacedByCode).toBeNull();
  });
});
