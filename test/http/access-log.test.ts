import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signedIn } from '../helpers.ts';

function appLoggingTo(lines: Record<string, unknown>[], level = 'info') {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return createTestApp({ courses: false, env: { LOG_LEVEL: level }, logger: pino({ level }, sink) });
}

describe('access log', () => {
  it('writes one line per request with method, URL, status and time', async () => {
    const lines: Record<string, unknown>[] = [];
    const { app } = await appLoggingTo(lines);
    await request(app).get('/login?next=%2Fdashboard');
    await request(app).get('/no-such-page');
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/login?next=%2Fdashboard', status: 200, level: 30 });
    expect(requests[1]).toMatchObject({ url: '/no-such-page', status: 404 });
    expect(typeof requests[0]!.ms).toBe('number');
  });

  it('names the signed-in user by id only', async () => {
    const lines: Record<string, unknown>[] = [];
    const { app, db } = await appLoggingTo(lines);
    const user = await makeUser(db, { email: 'private@example.org' });
    const agent = await signedIn(app, user.email);
    await agent.get('/dashboard').expect(200);
    const line = lines.find((l) => l.url === '/dashboard');
    expect(line).toMatchObject({ status: 200, user: user.id });
    expect(JSON.stringify(lines)).not.toContain('private@example.org');
  });

  it('writes nothing below its level', async () => {
    const lines: Record<string, unknown>[] = [];
    await request((await appLoggingTo(lines, 'warn')).app).get('/login');
    expect(lines).toHaveLength(0);
  });
});
