import { z } from 'zod';
import { VC_V2 } from './contexts.ts';

// The shape 1EdTech's AchievementCredential JSON Schema (Open Badges 3.0, JSON-LD binding)
// requires, for the verification page's "shape" check: the schema file itself is third-party
// data the tests validate every credential against (test/certificates/interop-verifiers.test.ts),
// not something the server ships. Unknown properties are allowed where the schema allows them.

const OB_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$/;
// DateTimeZ: a date-time with its time zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const typesWith = (...names: string[]) => z.array(z.string()).refine((types) => names.some((name) => types.includes(name)));

const profile = z.looseObject({ id: z.string(), type: typesWith('Profile') });

const alignment = z.looseObject({ type: typesWith('Alignment'), targetName: z.string(), targetUrl: z.string() });

const identityObject = z.strictObject({
  type: z.literal('IdentityObject'),
  hashed: z.boolean(),
  identityHash: z.string(),
  identityType: z.string(),
  salt: z.string().optional(),
});

const achievement = z.looseObject({
  id: z.string(),
  type: typesWith('Achievement'),
  criteria: z.looseObject({}),
  description: z.string(),
  name: z.string(),
  alignment: z.array(alignment).optional(),
});

const achievementCredential = z.looseObject({
  '@context': z
    .array(z.union([z.string(), z.looseObject({})]))
    .min(2)
    .refine((contexts) => contexts[0] === VC_V2 && typeof contexts[1] === 'string' && OB_CONTEXT.test(contexts[1])),
  id: z.string(),
  type: z
    .array(z.string())
    .refine((types) => types.includes('VerifiableCredential') && (types.includes('AchievementCredential') || types.includes('OpenBadgeCredential'))),
  issuer: z.union([z.string(), profile]),
  validFrom: z.string().regex(DATE_TIME),
  validUntil: z.string().regex(DATE_TIME).optional(),
  credentialSubject: z.looseObject({ type: typesWith('AchievementSubject'), achievement, identifier: z.array(identityObject).optional() }),
  credentialStatus: z.looseObject({ id: z.string(), type: z.string() }).optional(),
  proof: z.array(z.looseObject({ type: z.string() })).optional(),
});

/** Whether a credential has the shape of an Open Badges 3.0 AchievementCredential. */
export function hasAchievementCredentialShape(credential: unknown): boolean {
  return achievementCredential.safeParse(credential).success;
}
