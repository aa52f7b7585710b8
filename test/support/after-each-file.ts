import { afterAll } from 'vitest';
import { dropTestDatabases } from './database.ts';

// Every test file closes the databases it opened, so a PostgreSQL run never runs out of connections.
afterAll(dropTestDatabases);
