import { defineConfig } from 'drizzle-kit';

// SQLite, the default engine. PostgreSQL has its own: drizzle.config.pg.ts (`npm run db:generate` runs both).
export default defineConfig({
  dialect: 'sqlite',
  schema: './server/db/schema/index.ts',
  out: './migrations/sqlite',
});
