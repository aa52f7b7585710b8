import { asc, count } from 'drizzle-orm';
import type { Db } from '../../server/db/client.ts';
import { organisationNames, organisations } from '../../server/db/schema.ts';
import { createTestApp, userAgent } from '../helpers.ts';

// Shared by the registry administration tests: an administrator's agent and the registry's state.

export type Agent = Awaited<ReturnType<typeof userAgent>>['agent'];

export async function asAdmin() {
  const ctx = await createTestApp({ courses: false });
  const { user: admin, agent } = await userAgent(ctx, { roles: ['admin'], name: 'Ada Admin' });
  return { ...ctx, admin, agent };
}

/** Posts a list as a multipart upload, the way the import form sends it. */
export function uploadList(agent: Agent, body: string | Buffer, opts: { action?: 'preview' | 'confirm'; filename?: string; contentType?: string } = {}) {
  return agent
    .post('/admin/organisations/import')
    .field('action', opts.action ?? 'preview')
    .attach('file', typeof body === 'string' ? Buffer.from(body, 'utf8') : body, {
      filename: opts.filename ?? 'registry.csv',
      contentType: opts.contentType ?? 'text/csv',
    });
}

/** Every entry, by id, as [kind, code, nameEn, nameRu, parent code or name]. */
export async function registry(db: Db) {
  const rows = await db.select().from(organisations).orderBy(asc(organisations.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows.map((r) => {
    const parent = r.parentId === null ? null : byId.get(r.parentId)!;
    return [r.kind, r.code, r.nameEn, r.nameRu, parent ? (parent.code ?? parent.nameEn) : null];
  });
}

export async function registrySize(db: Db) {
  const [o] = await db.select({ n: count() }).from(organisations);
  const [n] = await db.select({ n: count() }).from(organisationNames);
  return { entries: Number(o?.n ?? 0), names: Number(n?.n ?? 0) };
}

/** The text the preview carries to the confirmation (the textarea's leading newline is the HTML parser's). */
export function carried(html: string): string {
  const text = /<textarea name="csv" hidden aria-hidden="true">\n([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '';
  return text.replaceAll('&#34;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

export const BASIC = [
  'kind,code,name_en,name_ru,parent_code',
  'country,RU,Russia,Россия,',
  'region,RU-SA,Sakha (Yakutia),Республика Саха (Якутия),RU',
  'school,1401,Tiksi School No. 1,Тиксинская СОШ № 1,RU-SA',
  'school,,Lyceum 2,Лицей № 2,RU-SA',
].join('\n');
