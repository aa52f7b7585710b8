import pg from 'pg';

// Once per test run on PostgreSQL: a template database with every migration applied, which
// each test context copies (CREATE DATABASE … TEMPLATE takes milliseconds; migrating takes longer).
export default async function setup(): Promise<void> {
  if (!process.env.DATABASE_URL) return;
  const { closeDatabase, openMigratedDatabase } = await import('../../server/db/client.ts');
  const { TEMPLATE_DATABASE, databaseUrl } = await import('./database.ts');
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const db = await openMigratedDatabase(databaseUrl(TEMPLATE_DATABASE));
  await closeDatabase(db);
}
