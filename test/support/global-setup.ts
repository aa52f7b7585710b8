import pg from 'pg';

// Once per test run on PostgreSQL: a template database with every migration applied, which
// each test context copies (CREATE DATABASE … TEMPLATE takes milliseconds; migrating takes
// longer). Named after this run, so runs side by side on one server never share one.
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (!process.env.DATABASE_URL) return undefined;
  const { closeDatabase, openMigratedDatabase } = await import('../../server/db/client.ts');
  const { databaseUrl } = await import('./database.ts');
  const template = `test_template_${process.pid}`;
  process.env.TEST_TEMPLATE_DATABASE = template;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  const db = await openMigratedDatabase(databaseUrl(template));
  await closeDatabase(db);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
