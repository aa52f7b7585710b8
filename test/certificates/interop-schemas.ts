import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers.ts';

// Third-party schemas and vectors live beside the repository (../shared/interop-schemas), as in CI;
// they are never copied in. In CI a missing file fails the test that needs it, saying where to put
// it; a plain clone elsewhere (a newcomer's `npm test`) skips those tests and says so once.

export const INTEROP_DIR = path.join(ROOT, '..', 'shared', 'interop-schemas');
export const skipWithoutInterop = !fs.existsSync(INTEROP_DIR) && !process.env.CI;
if (skipWithoutInterop) {
  console.warn(`Interoperability tests skipped: ${INTEROP_DIR} is missing (CI has it; put a copy of shared/ beside the repository to run them).`);
}

export function readInteropFile(name: string): string {
  const file = path.join(INTEROP_DIR, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${name} is missing: the interoperability tests read it from ${INTEROP_DIR} (a copy of shared/ beside the repository)`);
  }
  return fs.readFileSync(file, 'utf8');
}

export const ACHIEVEMENT_CREDENTIAL_SCHEMA = 'ob_v3p0_achievementcredential_schema.json';
