import { ConfigError, loadConfig } from '../config.ts';
import { copySqliteToPostgres } from '../db/copy.ts';

// npm run db:copy -- --to postgres://user:password@host:5432/platform [--from data/platform.sqlite]
// Copies the SQLite installation (DATABASE_PATH unless --from) into a new, empty PostgreSQL
// database, verifies each table's row count, and prints them. Stop the server first.

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

try {
  const config = loadConfig({ ...process.env, DATABASE_URL: undefined });
  const from = option('from') ?? config.databasePath;
  const to = option('to');
  if (!to || !/^postgres(ql)?:\/\//.test(to)) {
    console.error('Usage: npm run db:copy -- --to postgres://user:password@host:5432/database [--from path/to/platform.sqlite]');
    process.exit(2);
  }
  console.log(`Copying ${from} to ${new URL(to).host}${new URL(to).pathname} ...`);
  const report = await copySqliteToPostgres(from, to, (line) => console.log(`  ${line}`));
  console.log(`\nEvery table copied and its row count verified (${report.reduce((n, t) => n + t.target, 0)} rows in ${report.length} tables).`);
  console.log(`Now start the platform with DATABASE_URL=${new URL(to).protocol}//…${new URL(to).pathname}`);
} catch (err) {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`Copy failed, nothing was kept in the target: ${(err as Error).message}`);
  process.exit(1);
}
