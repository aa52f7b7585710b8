// `npm run backup -- <file>`: an online backup of the SQLite database, safe while the server is running.
import { loadConfig } from '../config.ts';
import { backupDatabase, closeDatabase, openDatabase } from '../db/client.ts';
import { engineOf } from '../db/engine.ts';

const destination = process.argv[2];
if (!destination) {
  console.error('Usage: npm run backup -- <destination-file>');
  process.exit(2);
}
const config = loadConfig();
if (engineOf(config.database) === 'postgres') {
  console.error('DATABASE_URL names a PostgreSQL database: this command backs up SQLite only.');
  console.error('Back up PostgreSQL with pg_dump (for example `pg_dump --format=custom --file=<file> "$DATABASE_URL"`) or continuous archiving.');
  process.exit(1);
}
const db = await openDatabase(config.database);
try {
  await backupDatabase(db, destination);
} finally {
  await closeDatabase(db);
}
console.log(`Backed up ${config.database} to ${destination}`);
