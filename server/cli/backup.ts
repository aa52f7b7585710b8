// `npm run backup -- <file>`: an online backup, safe while the server is running.
import { loadConfig } from '../config.ts';
import { backupDatabase, openDatabase } from '../db/client.ts';

const destination = process.argv[2];
if (!destination) {
  console.error('Usage: npm run backup -- <destination-file>');
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.databasePath);
await backupDatabase(db, destination);
db.$client.close();
console.log(`Backed up ${config.databasePath} to ${destination}`);
