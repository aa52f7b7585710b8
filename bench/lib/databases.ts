import pg from 'pg';

// Throw-away PostgreSQL databases for benchmarks and browser tests: an empty database on the
// server a postgres:// URL names, which the platform migrates as on a first start.

let counter = 0;

export interface TemporaryDatabase {
  /** The new database's URL (what DATABASE_URL takes). */
  url: string;
  /** Drops it, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `<prefix>_<pid>_<n>` on the server of `serverUrl`. */
export async function createEmptyDatabase(serverUrl: string, prefix = 'bench'): Promise<TemporaryDatabase> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
