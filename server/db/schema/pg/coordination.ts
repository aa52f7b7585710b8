import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

// PostgreSQL mirror of ../coordination.ts.

export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
});

export const versions = pgTable('versions', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});
