import { isObject, type JsonObject } from './legacy-jcs-proof.ts';

// What a credential certifies, read from the credential itself (the shape buildCredential
// writes, old and new), for the verification page: who, which course, which ICT-CFT
// competencies, when and by whom.

export interface CertifiedClaims {
  holder: string | null;
  course: string | null;
  competencies: { code: string; name: string }[];
  validFrom: string | null;
  issuerName: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);
const objects = (value: unknown): JsonObject[] => (Array.isArray(value) ? value : [value]).filter(isObject);

export function certifiedClaims(credential: JsonObject): CertifiedClaims {
  const subject = isObject(credential.credentialSubject) ? credential.credentialSubject : {};
  const achievement = isObject(subject.achievement) ? subject.achievement : {};
  // The learner is named by an unhashed IdentityObject of type "name".
  const name = objects(subject.identifier).find((i) => i.identityType === 'name' && i.hashed === false);
  const issuer = isObject(credential.issuer) ? credential.issuer : {};
  return {
    holder: text(name?.identityHash),
    course: text(achievement.name),
    competencies: objects(achievement.alignment).flatMap((a) => {
      const code = text(a.targetCode);
      return code ? [{ code, name: text(a.targetName) ?? code }] : [];
    }),
    validFrom: text(credential.validFrom),
    issuerName: text(issuer.name),
  };
}
