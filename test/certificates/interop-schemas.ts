import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers.ts';

// Third-party schemas and vectors live beside the repository (../shared/interop-schemas), as in CI;
// they are never copied in. A missing file fails the test that needs it, saying where to put it.

export const INTEROP_DIR = path.join(ROOT, '..', 'shared', 'interop-schemas');

export function readInteropFile(name: string): string {
  const file = path.join(INTEROP_DIR, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${name} is missing: the interoperability tests read it from ${INTEROP_DIR} (a copy of shared/ beside the repository)`);
  }
  return fs.readFileSync(file, 'utf8');
}

export const ACHIEVEMENT_CREDENTIAL_SCHEMA = 'ob_v3p0_achievementcredential_schema.json';
