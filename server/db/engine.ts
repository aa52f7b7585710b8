// Which database engine this process runs on, decided once from the environment before any
// table is imported: DATABASE_URL=postgres://… selects PostgreSQL, otherwise embedded SQLite.
// Every table object, query and SQL helper of the process then belongs to that one engine.

export type Engine = 'sqlite' | 'postgres';

export function engineOf(databaseUrl: string | undefined): Engine {
  return databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

export const ENGINE: Engine = engineOf(process.env.DATABASE_URL);
