// The SQLite tables, one file per feature. Features import tables from ../schema.ts, which
// hands out these or their PostgreSQL mirror (pg/) depending on the engine.
export * from './auth.ts';
export * from './certificates.ts';
export * from './cohorts.ts';
export * from './coordination.ts';
export * from './courses.ts';
export * from './evidence.ts';
export * from './learning.ts';
export * from './organisations.ts';
export * from './values.ts';
