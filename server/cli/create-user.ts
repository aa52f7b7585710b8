// `npm run user:create -- --email a@b.org --name "A B" --role admin [--password-stdin]`
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { hashPassword } from '../auth/passwords.ts';
import { createUser, findUserByEmail, grantRole } from '../auth/queries.ts';
import { emailField, newPassword } from '../auth/schemas.ts';
import { loadConfig } from '../config.ts';
import { closeDatabase, openMigratedDatabase } from '../db/client.ts';
import { ROLES, type Role } from '../db/schema.ts';

const messages: Record<string, string> = {
  'validation.email': 'is not a valid email address',
  'validation.passwordShort': 'must be at least 8 characters',
  'validation.passwordLong': 'must be at most 256 characters',
  'validation.passwordCommon': 'is one of the most common passwords; choose another',
};

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (!process.stdin.isTTY) fail('No terminal to ask for a password: pass --password-stdin and pipe it in.');
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Hide typed characters: readline echoes through _writeToOutput.
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let prompting = true;
  out._writeToOutput = (s: string) => {
    if (!prompting) out.output.write(s);
  };
  process.stdout.write('Password: ');
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  prompting = false;
  rl.close();
  process.stdout.write('\n');
  return answer;
}

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', multiple: true, default: [] },
    'password-stdin': { type: 'boolean', default: false },
    school: { type: 'string', default: '' },
    region: { type: 'string', default: '' },
    country: { type: 'string', default: '' },
  },
});

const email = emailField.safeParse(values.email ?? '');
if (!email.success) fail('--email: required, a valid email address');
if (!values.name?.trim()) fail('--name: required');
const roles = values.role
  .flatMap((r) => r.split(','))
  .map((r) => r.trim())
  .filter(Boolean);
const badRole = roles.find((r) => !(ROLES as readonly string[]).includes(r));
if (badRole) fail(`--role: unknown role "${badRole}" (expected one of ${ROLES.join(', ')})`);

const config = loadConfig();
const db = await openMigratedDatabase(config.database);
try {
  const existing = await findUserByEmail(db, email.data);
  if (existing) {
    for (const role of roles as Role[]) await grantRole(db, existing.id, role);
    console.log(`User ${email.data} already exists; roles now include: ${['teacher', ...roles].join(', ')}.`);
  } else {
    const password = await readPassword(values['password-stdin']);
    const checked = newPassword.safeParse(password);
    if (!checked.success) fail(`password ${messages[checked.error.issues[0]?.message ?? ''] ?? 'is not valid'}`);
    const id = await createUser(
      db,
      {
        email: email.data,
        name: values.name.trim(),
        passwordHash: await hashPassword(checked.data),
        school: values.school,
        region: values.region,
        country: values.country,
        // Made by whoever runs the server: the address is taken as given.
        emailVerifiedAt: Date.now(),
      },
      ['teacher', ...(roles as Role[])],
    );
    console.log(`Created user #${id} ${email.data} with roles: ${['teacher', ...roles].join(', ')}.`);
  }
} finally {
  await closeDatabase(db);
}
