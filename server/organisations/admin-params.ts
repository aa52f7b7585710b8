import type { Request } from 'express';
import { z } from 'zod';
import type { DbOrTx } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { findOrganisation, type PlacedOrganisation } from './queries.ts';

// The ids the registry's admin pages read from URLs and forms.

export const idParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

/** The entry named by :id; 404 for an unknown or malformed id. */
export async function organisationParam(db: DbOrTx, req: Request): Promise<PlacedOrganisation> {
  const id = idParam.safeParse(req.params.id);
  const org = id.success ? await findOrganisation(db, id.data) : undefined;
  if (!org) throw new HttpError(404);
  return org;
}
