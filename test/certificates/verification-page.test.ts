import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { formatCode } from '../../server/certificates/code.ts';
import { reissueCertificate, revokeCertificate } from '../../server/certificates/issue.ts';
import { competencyByCode } from '../../server/framework/ict-cft.ts';
import { agent, createTestApp, makeUser, userAgent } from '../helpers.ts';
import { certify, RU_COURSE, sampleCourse } from './fixtures.ts';
import { issued } from './issued.ts';

/** The outcome of each check in the page's checks table, by check. */
function checksShown(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/data-check="(\w+)" data-outcome="(\w+)"/g)].map((m) => [m[1], m[2]]));
}
const ALL_PASSED = { issuerKey: 'passed', signature: 'passed', status: 'passed', shape: 'passed' };

describe('GET /certificates', () => {
  it('shows a form to type a code and a form to check a credential, without signing in', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).get('/certificates');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Verify a certificate</h1>');
    expect(res.text).toMatch(/<form method="get" action="\/certificates"[^>]*id="lookup-form"/);
    expect(res.text).toContain('name="code"');
    expect(res.text).toMatch(/<form method="post" action="\/certificates\/verify[^"]*" enctype="multipart\/form-data"/);
    expect(res.text).toContain('name="credential"');
    expect(res.text).toContain('name="file" type="file"');
  });

  it('redirects ?code= to the normalised code', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).get('/certificates').query({ code: ' abcde-fghjk ' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/certificates/ABCDEFGHJK');
  });

  it('answers a code that cannot exist with the form and a message, not a redirect', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).get('/certificates').query({ code: 'hello' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('This value is not valid.');
    expect(res.text).toContain('value="hello"');
  });

  it('is in Russian for a Russian reader', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).get('/certificates?lang=ru');
    expect(res.text).toContain('<h1>Проверка сертификата</h1>');
  });
});

describe('GET /certificates/:code', () => {
  it('shows a valid certificate: name, course, date, competencies with titles in the reader’s language', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db, { name: 'Łukasz Żółć' });
    const code = await certify(ctx, learner.id, RU_COURSE, Date.UTC(2025, 2, 5, 10));
    const course = await sampleCourse(ctx, RU_COURSE);

    const en = await request(ctx.app).get(`/certificates/${code}`);
    expect(en.status).toBe(200);
    expect(en.text).toContain('class="status status-valid">Valid<');
    expect(en.text).toContain('Łukasz Żółć');
    expect(en.text).toContain(course.title);
    expect(en.text).toContain('5 March 2025');
    expect(en.text).toContain(formatCode(code));
    const first = course.competencies[0] as string;
    expect(en.text).toContain(`href="/framework/${first}"`);
    expect(en.text).toContain(`</a> ${competencyByCode(first)?.title}</li>`);
    expect(en.text).toContain(`href="/certificates/${code}.json"`);
    expect(en.text).not.toContain(`/certificates/${code}.pdf`); // visitors cannot download the PDF

    const ru = await request(ctx.app).get(`/certificates/${code}?lang=ru`);
    expect(ru.text).toContain('Действителен');
    expect(ru.text).toContain(`</a> ${competencyByCode(first)?.titleRu}</li>`);
    expect(ru.text).toContain('5 марта 2025');
  });

  it('finds a certificate whatever the case, spaces or dashes', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const grouped = formatCode(code).toLowerCase();
    for (const variant of [grouped, code.toLowerCase(), `${code.slice(0, 5)}%20${code.slice(5)}`]) {
      const res = await request(ctx.app).get(`/certificates/${variant}`);
      expect(res.status, variant).toBe(200);
      expect(res.text).toContain(learner.name);
    }
  });

  it('shows a revoked certificate as revoked with its date, never the private reason or the name', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db, { name: 'Máret Ánte Sárá' });
    const code = await certify(ctx, learner.id);
    await revokeCertificate(ctx.db, code, { reason: 'Plagiarised quiz answers', now: Date.UTC(2025, 3, 9) });
    const res = await request(ctx.app).get(`/certificates/${code}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="status status-revoked">Revoked<');
    expect(res.text).toContain('revoked on 9 April 2025');
    expect(res.text).not.toContain('Plagiarised');
    expect(res.text).not.toContain('Máret');
    expect(res.text).not.toContain('status-valid');
  });

  it('shows a replaced certificate with a link to the new one', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const old = await certify(ctx, learner.id);
    const result = await reissueCertificate(ctx.db, old, { issuerName: 'X', now: Date.now() });
    if (!result.ok) throw new Error(result.reason);
    const res = await request(ctx.app).get(`/certificates/${old}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="status status-replaced">Replaced<');
    expect(res.text).toContain(`href="/certificates/${result.code}"`);
    expect(res.text).toContain(formatCode(result.code));
  });

  it('answers an unknown code with a friendly 404 page and the form to try again', async () => {
    const ctx = await createTestApp({ courses: false });
    for (const code of ['ZZZZZ-ZZZZZ', 'not-a-code']) {
      const res = await request(ctx.app).get(`/certificates/${code}`);
      expect(res.status).toBe(404);
      expect(res.type).toBe('text/html');
      expect(res.text).toMatch(/^<!doctype html>/);
      expect(res.text).toContain('<h1>Certificate not found</h1>');
      expect(res.text).toContain('id="lookup-form"');
    }
  });

  it('escapes what was typed in the URL', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).get('/certificates/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('&lt;script&gt;');
  });

  it('reports the checks a verifier makes of its Open Badges credential, the revocation among them', async () => {
    const ctx = await createTestApp();
    const code = await certify(ctx, (await makeUser(ctx.db)).id);
    // The page itself stays light: it loads its checks (a signature and its verification) apart.
    const page = await request(ctx.app).get(`/certificates/${code}`);
    expect(page.text).toContain(`data-hx-get="/certificates/${code}/checks" data-hx-trigger="load"`);
    expect(page.text).toContain(`href="/certificates/${code}/checks"`);
    const valid = await request(ctx.app).get(`/certificates/${code}/checks`);
    expect(valid.status).toBe(200);
    expect(valid.text).toContain('Checks of the Open Badges credential');
    expect(checksShown(valid.text)).toEqual(ALL_PASSED);
    const fragment = await request(ctx.app).get(`/certificates/${code}/checks`).set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(fragment.text.trimStart()).toMatch(/^<table class="data-table" id="credential-checks"/);
    await revokeCertificate(ctx.db, code, { reason: 'r', now: Date.UTC(2025, 3, 9) });
    const revoked = await request(ctx.app).get(`/certificates/${code}/checks?lang=ru`);
    expect(checksShown(revoked.text)).toEqual({ ...ALL_PASSED, status: 'failed' });
    expect(revoked.text).toContain('Статус аннулирования');
    expect((await request(ctx.app).get('/certificates/ZZZZZZZZZZ/checks')).status).toBe(404);
  });

  it('shows the PDF link to the owner and no admin panel', async () => {
    const ctx = await createTestApp();
    const { user, agent } = await userAgent(ctx);
    const code = await certify(ctx, user.id);
    const res = await agent.get(`/certificates/${code}`);
    expect(res.text).toContain(`href="/certificates/${code}.pdf"`);
    expect(res.text).not.toContain('id="admin-panel"');
  });

  it('limits lookups to 60 a minute per address', async () => {
    const ctx = await createTestApp({ courses: false });
    for (let i = 0; i < 60; i++) expect((await request(ctx.app).get('/certificates/ZZZZZZZZZZ')).status).toBe(404);
    const res = await request(ctx.app).get('/certificates/ZZZZZZZZZZ.json');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });
});

describe('Express 5 routing of /certificates/:code.pdf and .json', () => {
  it('sends CODE.pdf and CODE.json to their own routes, not to the page', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const json = await request(ctx.app).get(`/certificates/${code}.json`);
    expect(json.status).toBe(200);
    expect(json.body.id).toBe(`${ctx.config.baseUrl}/certificates/${code}`);
    const pdf = await request(ctx.app).get(`/certificates/${code}.pdf`);
    expect(pdf.status).toBe(303); // the PDF route's sign-in guard, not the HTML page
    expect(pdf.headers.location).toBe(`/login?next=${encodeURIComponent(`/certificates/${code}.pdf`)}`);
    const dashed = await request(ctx.app).get(`/certificates/${formatCode(code).toLowerCase()}.json`);
    expect(dashed.body.id).toBe(`${ctx.config.baseUrl}/certificates/${code}`);
  });
});

describe('POST /certificates/verify', () => {
  it('checks a pasted credential and shows what it certifies and the result of each check', async () => {
    const { ctx, credential } = await issued();
    const res = await agent(ctx.app)
      .post('/certificates/verify')
      .type('form')
      .send({ credential: JSON.stringify(credential) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('The signature is genuine and the certificate is valid.');
    const certified = res.text.slice(res.text.indexOf('id="certified"'), res.text.indexOf('id="credential-checks"'));
    for (const shown of ['Máret Ánte Sárá', 'ICT in Primary Education', '5 March 2025', ctx.config.issuerName, 'status-valid'])
      expect(certified).toContain(shown);
    expect(certified).toContain(`<span class="badge badge-ka">KA.1</span> ${competencyByCode('KA.1')?.title}</li>`);
    expect(checksShown(res.text)).toEqual(ALL_PASSED);
  });

  it('speaks Russian to a Russian reader, competency titles included', async () => {
    const { ctx, credential } = await issued();
    const res = await agent(ctx.app)
      .post('/certificates/verify?lang=ru')
      .type('form')
      .send({ credential: JSON.stringify(credential) });
    expect(res.text).toContain('Подпись подлинная, сертификат действителен.');
    expect(res.text).toContain('Что удостоверяет сертификат');
    expect(res.text).toContain(`<span class="badge badge-ka">KA.1</span> ${competencyByCode('KA.1')?.titleRu}</li>`);
    expect(res.text).toContain('Пройдена');
  });

  it('checks an uploaded credential file, and reports a revoked one as revoked', async () => {
    const { ctx, code, credential } = await issued();
    await revokeCertificate(ctx.db, code, { reason: 'secret reason', now: Date.UTC(2025, 4, 1) });
    const res = await agent(ctx.app)
      .post('/certificates/verify')
      .attach('file', Buffer.from(JSON.stringify(credential)), { filename: 'badge.json', contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('status-revoked');
    expect(res.text).toContain('was revoked on 1 May 2025');
    expect(checksShown(res.text)).toEqual({ ...ALL_PASSED, status: 'failed' });
    expect(res.text).not.toContain('secret reason');
  });

  it('says when a credential was changed, and shows nothing of what it claims', async () => {
    const { ctx, credential } = await issued();
    const text = JSON.stringify(credential).replace('Máret', 'Maret');
    const res = await agent(ctx.app).post('/certificates/verify').type('form').send({ credential: text });
    expect(res.text).toContain('The signature does not match the content');
    expect(checksShown(res.text)).toEqual({ ...ALL_PASSED, signature: 'failed', status: 'notChecked' });
    expect(res.text).not.toContain('id="certified"');
    expect(res.text).not.toContain('status-valid');
  });

  it('asks for a credential when nothing was sent, and refuses more than 100 KB', async () => {
    const ctx = await createTestApp({ courses: false });
    const empty = await agent(ctx.app).post('/certificates/verify').type('form').send({ credential: '' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Please fill this in.');
    const big = await agent(ctx.app)
      .post('/certificates/verify')
      .attach('file', Buffer.alloc(101 * 1024, 'a'), { filename: 'big.json', contentType: 'application/json' });
    expect(big.status).toBe(422);
    expect(big.text).toContain('This is too long.');
  });

  it('refuses a cross-site POST', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).post('/certificates/verify').type('form').send({ credential: '{}' });
    expect(res.status).toBe(403);
  });
});
