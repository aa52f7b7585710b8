import { defineConfig } from 'drizzle-kit';

// PostgreSQL: the mirror of the SQLite schema (drizzle.config.ts), with migrations of its own.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema/pg/index.ts',
  out: './migrations/postgres',
});
