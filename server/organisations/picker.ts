import { z } from 'zod';
import type { DbOrTx } from '../db/client.ts';
import { findOrganisation, type PlacedOrganisation, placeLabel, searchOrganisations } from './queries.ts';

// The school picker of sign-up and the profile: a search (live with htmx, a plain GET form
// without JavaScript) whose matches are radio buttons inside the page's main form, with "my
// school is not listed" beside them for the free-text fields.

export interface PickerChoice {
  id: number;
  label: string;
}

export interface Picker {
  query: string;
  searched: boolean;
  chosen: number | null;
  choices: PickerChoice[];
}

const queryText = z.string().trim().max(200).catch('').default('');
/** The search text: `schoolQuery` from the picker's own field, `q` from a plain link or another page. */
export const pickerQuery = z.object({ schoolQuery: queryText, q: queryText }).transform((v) => ({ schoolQuery: v.schoolQuery || v.q }));

const choice = (org: PlacedOrganisation, lang: string): PickerChoice => ({ id: org.id, label: placeLabel(org, lang) });

/** The picker's state: the entry chosen (kept at the top) and the matches of the query. */
export async function buildPicker(db: DbOrTx, opts: { query: string; chosen: number | null; lang: string }): Promise<Picker> {
  const chosenOrg = opts.chosen === null ? undefined : await findOrganisation(db, opts.chosen);
  const found = opts.query ? await searchOrganisations(db, opts.query) : [];
  const choices = [...(chosenOrg ? [choice(chosenOrg, opts.lang)] : []), ...found.filter((o) => o.id !== chosenOrg?.id).map((o) => choice(o, opts.lang))];
  return { query: opts.query, searched: !!opts.query, chosen: chosenOrg?.id ?? null, choices };
}

const organisationField = z
  .union([z.literal(''), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)])
  .catch(-1)
  .default('');

/**
 * The entry a submitted form chose: null for "not listed", undefined when the value is not an
 * entry (a stale or forged id): the form then says so on the field.
 */
export async function chosenOrganisation(db: DbOrTx, body: unknown): Promise<PlacedOrganisation | null | undefined> {
  const value = organisationField.parse((body as Record<string, unknown> | undefined)?.organisationId);
  if (value === '') return null;
  if (value === -1) return undefined;
  return findOrganisation(db, value);
}
