import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// What several app instances on one database use to agree with each other.

/** Periodic work (session sweep, reminders) runs on the instance holding its lease until expires_at. */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Counters bumped when shared content changes (the course catalogue), so every instance's cache notices. */
export const versions = sqliteTable('versions', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});
