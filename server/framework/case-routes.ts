import { type Response, Router } from 'express';
import { CASE_API_PATH, type CaseLink, type CasePackage } from './case-package.ts';

// The read-only CASE 1.1 REST endpoints (1EdTech CASE Service REST/JSON binding), so every `uri`
// in the packages resolves. The data never changes while the process runs: each answer is
// serialised once, at start-up.

type Json = Map<string, string>;

/** Every object of the packages by identifier, in the form its endpoint returns. */
function caseObjects(packages: CasePackage[]) {
  const documents: Json = new Map();
  const packagesById: Json = new Map();
  const items: Json = new Map();
  const associations: Json = new Map();
  const itemTypes: Json = new Map();
  const licences: Json = new Map();
  const itemAssociations: Json = new Map();
  const documentList: object[] = [];
  const allAssociations = packages.flatMap((pkg) => pkg.CFAssociations.map((a) => ({ ...a, CFDocumentURI: documentLink(pkg) })));

  for (const pkg of packages) {
    const doc = pkg.CFDocument;
    const CFDocumentURI = documentLink(pkg);
    // Outside a package a document names its package, and items and associations their document.
    const restDocument = {
      ...doc,
      CFPackageURI: { title: doc.title, identifier: doc.identifier, uri: doc.uri.replace('/CFDocuments/', '/CFPackages/') },
    };
    documentList.push(restDocument);
    documents.set(doc.identifier, JSON.stringify(restDocument));
    packagesById.set(doc.identifier, JSON.stringify(pkg));
    for (const item of pkg.CFItems) {
      const restItem = { ...item, CFDocumentURI };
      items.set(item.identifier, JSON.stringify(restItem));
      const touching = allAssociations.filter((a) => a.originNodeURI.identifier === item.identifier || a.destinationNodeURI.identifier === item.identifier);
      itemAssociations.set(item.identifier, JSON.stringify({ CFItem: restItem, CFAssociations: touching }));
    }
    for (const type of pkg.CFDefinitions.CFItemTypes) itemTypes.set(type.identifier, JSON.stringify({ CFItemTypes: [type] }));
    for (const licence of pkg.CFDefinitions.CFLicenses) licences.set(licence.identifier, JSON.stringify(licence));
  }
  for (const a of allAssociations) associations.set(a.identifier, JSON.stringify(a));
  return { documentList: JSON.stringify({ CFDocuments: documentList }), documents, packagesById, items, associations, itemTypes, licences, itemAssociations };
}

function documentLink(pkg: CasePackage): CaseLink {
  const { title, identifier, uri } = pkg.CFDocument;
  return { title, identifier, uri };
}

// The CASE binding's status payload (imsx_StatusInfo) for an unknown identifier.
const UNKNOWN_OBJECT = JSON.stringify({
  imsx_codeMajor: 'failure',
  imsx_severity: 'error',
  imsx_description: 'Unknown Object',
  imsx_codeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'sourcedId', imsx_codeMinorFieldValue: 'unknownobject' }] },
});

function sendJson(res: Response, status: number, body: string): void {
  // Public, read-only standards data: browser-based CASE tools on other sites may read it.
  res.status(status).type('application/json').set('Access-Control-Allow-Origin', '*').set('Cache-Control', 'public, max-age=3600').send(body);
}

/** The endpoints for these packages (every language's document, items and associations). */
export function caseApiRoutes(packages: CasePackage[]): Router {
  const objects = caseObjects(packages);
  const router = Router();
  const byId = (collection: string, map: Json) =>
    router.get(`${CASE_API_PATH}/${collection}/:id`, (req, res) => {
      const body = map.get(req.params.id);
      sendJson(res, body ? 200 : 404, body ?? UNKNOWN_OBJECT);
    });

  router.get(`${CASE_API_PATH}/CFDocuments`, (_req, res) => {
    res.set('X-Total-Count', String(objects.documents.size));
    sendJson(res, 200, objects.documentList);
  });
  byId('CFDocuments', objects.documents);
  byId('CFPackages', objects.packagesById);
  byId('CFItems', objects.items);
  byId('CFItemAssociations', objects.itemAssociations);
  byId('CFAssociations', objects.associations);
  byId('CFItemTypes', objects.itemTypes);
  byId('CFLicenses', objects.licences);
  // Anything else under the API is an unknown object too, answered in the API's own format.
  router.use(CASE_API_PATH, (_req, res) => sendJson(res, 404, UNKNOWN_OBJECT));
  return router;
}
