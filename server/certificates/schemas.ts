import { z } from 'zod';

// Messages are translation keys in common.json (validation.*), as the field partial expects.

export const CREDENTIAL_MAX_BYTES = 100 * 1024;

/** ?code= from the lookup form; anything odd (repeated, huge) counts as empty. */
export const lookupQuery = z.object({
  code: z.string().trim().max(100).optional().catch(undefined),
});

export const revokeSchema = z.object({
  reason: z.string({ message: 'validation.required' }).trim().min(1, { message: 'validation.required' }).max(500, { message: 'validation.tooLong' }),
});

/** The pasted credential (an uploaded file arrives as text too, see routes). */
export const verifySchema = z.object({
  credential: z
    .string({ message: 'validation.required' })
    .trim()
    .min(1, { message: 'validation.required' })
    .refine((s) => Buffer.byteLength(s, 'utf8') <= CREDENTIAL_MAX_BYTES, { message: 'validation.tooLong' }),
});
