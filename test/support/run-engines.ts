import { spawnSync } from 'node:child_process';

// `npm test`'s last step: the whole vitest suite on SQLite, then again on PostgreSQL when
// TEST_DATABASE_URL names a server the tests may create and drop databases on (CI starts a
// throw-away cluster for it: .ci/run). Extra arguments go to vitest (a file or a -t filter).

const args = process.argv.slice(2);
const engines: { name: string; env: Record<string, string | undefined> }[] = [{ name: 'SQLite', env: { DATABASE_URL: undefined } }];
const postgres = process.env.TEST_DATABASE_URL;
if (postgres) engines.push({ name: 'PostgreSQL', env: { DATABASE_URL: postgres } });

let failed = false;
for (const engine of engines) {
  console.log(`\n=== The test suite on ${engine.name} ===\n`);
  const env = { ...process.env, ...engine.env };
  if (engine.env.DATABASE_URL === undefined) delete env.DATABASE_URL;
  const run = spawnSync('npx', ['vitest', 'run', ...args], { stdio: 'inherit', env });
  if (run.status !== 0) failed = true;
}
if (!postgres)
  console.log(
    '\nPostgreSQL run skipped: set TEST_DATABASE_URL=postgres://user@host:port/db (a server where tests may create databases) to run the suite on PostgreSQL too.',
  );
process.exit(failed ? 1 : 0);
