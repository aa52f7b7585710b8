// The SQLite schema, one file per feature in schema/; every feature imports it from here.
// schema/pg/ mirrors it for PostgreSQL, table for table: change both together
// (test/db/schema-lockstep.test.ts compares them), then run `npm run db:generate`.
//
// Times are integer milliseconds since the epoch: cheap to compare and aggregate over
// millions of rows, and identical in SQLite and PostgreSQL (bigint).

export * from './schema/auth.ts';
export * from './schema/certificates.ts';
export * from './schema/cohorts.ts';
export * from './schema/courses.ts';
export * from './schema/learning.ts';
export * from './schema/values.ts';
