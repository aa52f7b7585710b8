// Point 14 (part): /admin/users shows only the notices the server knows, never text from the query.
import { describe, expect, it } from 'vitest';
import { createTestApp, userAgent } from '../helpers.ts';

describe('GET /admin/users?notice=', () => {
  const hostile = ['<script>x</script>', 'Your account is locked, call +1 555 0100 to unlock it'];

  for (const notice of hostile) {
    it(`shows nothing of ${JSON.stringify(notice.slice(0, 20))}, not even escaped`, async () => {
      const ctx = await createTestApp({ courses: false });
      const { agent: admin } = await userAgent(ctx, { roles: ['admin'] });
      const res = await admin.get(`/admin/users?notice=${encodeURIComponent(notice)}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(notice);
      expect(res.text).not.toContain('&lt;script&gt;');
      expect(res.text).not.toContain('call +1');
      expect(res.text).not.toContain('users.notice');
      expect(res.text).not.toContain('class="alert');
    });
  }

  it('still shows a known notice', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: admin } = await userAgent(ctx, { roles: ['admin'] });
    const res = await admin.get('/admin/users?notice=lastAdmin');
    expect(res.text).toContain('The last administrator cannot lose the administrator role.');
  });
});
