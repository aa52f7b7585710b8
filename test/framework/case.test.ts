import fs from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ASPECTS, COMPETENCIES, FRAMEWORK, LEVELS } from '../../server/framework/ict-cft.ts';
import { skipWithoutInterop } from '../certificates/interop-schemas.ts';
import { createTestApp, ROOT } from '../helpers.ts';

const ctx = await createTestApp({ courses: false });
const SCHEMAS = path.join(ROOT, '..', 'shared', 'interop-schemas');
const CASE_SCHEMA = path.join(SCHEMAS, 'case_v1p1_cfpackage_1edtech.json');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** 1EdTech's CASE 1.1 CFPackage schema (JSON Schema 2019-09, with uuid and date-time formats). */
function caseValidator() {
  if (!fs.existsSync(CASE_SCHEMA)) {
    throw new Error(`The CASE 1.1 schema is missing: expected ${CASE_SCHEMA} (the shared interop-schemas folder beside the repository).`);
  }
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(CASE_SCHEMA, 'utf8')));
}

async function getJson(url: string) {
  const res = await request(ctx.app).get(url);
  return { status: res.status, type: res.type, body: res.body };
}

/** Every object in a package that names itself with an identifier and a uri, links included. */
function referencedObjects(value: unknown, found = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) for (const v of value) referencedObjects(v, found);
  else if (value && typeof value === 'object') {
    const { identifier, uri } = value as { identifier?: unknown; uri?: unknown };
    if (typeof identifier === 'string' && typeof uri === 'string') found.set(uri, identifier);
    for (const v of Object.values(value)) referencedObjects(v, found);
  }
  return found;
}

/** An absolute URI of ours as the path supertest requests. */
function pathOf(uri: string): string {
  expect(uri.startsWith(ctx.config.baseUrl), uri).toBe(true);
  return uri.slice(ctx.config.baseUrl.length);
}

describe('CASE 1.1 packages', () => {
  for (const url of ['/framework/case.json', '/framework/case-ru.json']) {
    it.skipIf(skipWithoutInterop)(`GET ${url} validates against 1EdTech's CASE 1.1 CFPackage schema`, async () => {
      const validate = caseValidator();
      const { status, type, body } = await getJson(url);
      expect(status).toBe(200);
      expect(type).toBe('application/json');
      expect(validate(body), JSON.stringify(validate.errors, null, 2)).toBe(true);
      expect(body.CFDocument.caseVersion).toBe('1.1');
      expect(JSON.stringify(body)).not.toMatch(/CFPackageURI|CFDocumentURI/);
    });
  }

  it('keeps the identifiers the English package has always had', async () => {
    const { body } = await getJson('/framework/case.json');
    expect(body.CFDocument.identifier).toBe(FRAMEWORK.uuid);
    const ids = body.CFItems.map((i: { identifier: string }) => i.identifier);
    expect(ids).toEqual([...ASPECTS.map((a) => a.uuid), ...LEVELS.map((l) => l.uuid), ...COMPETENCIES.map((c) => c.uuid)]);
  });

  it('publishes the official Russian edition as its own document, each item a translation of the English one', async () => {
    const english = (await getJson('/framework/case.json')).body;
    const russian = (await getJson('/framework/case-ru.json')).body;
    expect(russian.CFDocument).toMatchObject({ language: 'ru', title: 'Структура ИКТ-компетентности учителей. Рекомендации ЮНЕСКО. Версия 3' });
    expect(russian.CFDocument.description).toContain('ISBN 978-5-9500869-3-9');
    expect(russian.CFDocument.identifier).toMatch(UUID);
    expect(russian.CFDocument.identifier).not.toBe(english.CFDocument.identifier);
    const byCode = new Map(russian.CFItems.map((i: { humanCodingScheme: string }) => [i.humanCodingScheme, i]));
    expect(byCode.get('KA')).toMatchObject({ fullStatement: 'Получение знаний', language: 'ru' });
    expect(byCode.get('KD')).toMatchObject({ fullStatement: 'Освоение знаний' });
    expect(byCode.get('5')).toMatchObject({ fullStatement: 'Организация образовательного процесса и управление им' });
    expect(byCode.get('KC.2')).toMatchObject({ abbreviatedStatement: 'Навыки, необходимые в обществе знания' });
    expect(byCode.get('KA.5')).toMatchObject({ abbreviatedStatement: 'Традиционные формы учебной работы' });
    const englishIds = new Set(english.CFItems.map((i: { identifier: string }) => i.identifier));
    const translations = russian.CFAssociations.filter((a: { associationType: string }) => a.associationType === 'isTranslationOf');
    expect(translations).toHaveLength(1 + 27);
    for (const item of russian.CFItems) {
      const link = translations.find((a: { originNodeURI: { identifier: string } }) => a.originNodeURI.identifier === item.identifier);
      expect(englishIds.has(link?.destinationNodeURI.identifier), item.humanCodingScheme).toBe(true);
    }
  });
});

describe('GET /ims/case/v1p1/…', () => {
  for (const url of ['/framework/case.json', '/framework/case-ru.json']) {
    it(`resolves every uri in ${url} to the object it names`, async () => {
      const objects = referencedObjects((await getJson(url)).body);
      expect(objects.size).toBeGreaterThan(27);
      for (const [uri, identifier] of objects) {
        const { status, type, body } = await getJson(pathOf(uri));
        expect(status, uri).toBe(200);
        expect(type).toBe('application/json');
        // Item types come as a one-element set (CFItemTypeSet), everything else as the object.
        const object = body.CFItemTypes ? body.CFItemTypes[0] : body;
        expect(object.identifier, uri).toBe(identifier);
        expect(object.uri, uri).toBe(uri);
      }
    });
  }

  it('lists both documents, each naming its package, which is the package served at /framework/case.json', async () => {
    const { status, body } = await getJson('/ims/case/v1p1/CFDocuments');
    expect(status).toBe(200);
    expect(body.CFDocuments.map((d: { language: string }) => d.language)).toEqual(['en', 'ru']);
    const english = body.CFDocuments[0];
    expect(english.identifier).toBe(FRAMEWORK.uuid);
    expect(english.CFPackageURI.identifier).toBe(FRAMEWORK.uuid);
    const pkg = await request(ctx.app).get(pathOf(english.CFPackageURI.uri));
    expect(pkg.text).toBe((await request(ctx.app).get('/framework/case.json')).text);
  });

  it('gives a single item with its document, and an item with every association that touches it', async () => {
    const kd3 = COMPETENCIES.find((c) => c.code === 'KD.3')!;
    const item = await getJson(`/ims/case/v1p1/CFItems/${kd3.uuid}`);
    expect(item.body).toMatchObject({ identifier: kd3.uuid, humanCodingScheme: 'KD.3', abbreviatedStatement: 'Complex Problem-solving' });
    expect(item.body.CFDocumentURI.identifier).toBe(FRAMEWORK.uuid);
    const { body } = await getJson(`/ims/case/v1p1/CFItemAssociations/${kd3.uuid}`);
    expect(body.CFItem.identifier).toBe(kd3.uuid);
    const types = body.CFAssociations.map((a: { associationType: string }) => a.associationType).sort();
    expect(types).toEqual(['hasSkillLevel', 'isChildOf', 'isTranslationOf']);
    for (const a of body.CFAssociations) expect(a.CFDocumentURI.identifier).toMatch(UUID);
  });

  it('answers 404 with a CASE status payload for unknown identifiers and paths', async () => {
    for (const url of [
      '/ims/case/v1p1/CFItems/00000000-0000-5000-8000-000000000000',
      `/ims/case/v1p1/CFDocuments/${COMPETENCIES[0]!.uuid}`,
      `/ims/case/v1p1/CFAssociations/${FRAMEWORK.uuid}`,
      '/ims/case/v1p1/CFPackages/not-a-uuid',
      '/ims/case/v1p1/CFItemAssociations/x',
      '/ims/case/v1p1/CFItemTypes/x',
      '/ims/case/v1p1/CFLicenses/x',
      '/ims/case/v1p1/CFRubrics/x',
    ]) {
      const { status, type, body } = await getJson(url);
      expect(status, url).toBe(404);
      expect(type).toBe('application/json');
      expect(body).toMatchObject({ imsx_codeMajor: 'failure', imsx_description: 'Unknown Object' });
    }
  });

  it('lets tools on other sites read it', async () => {
    const res = await request(ctx.app).get('/ims/case/v1p1/CFDocuments');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['x-total-count']).toBe('2');
  });
});
