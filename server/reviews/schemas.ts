import { z } from 'zod';
import { idParam } from '../cohorts/schemas.ts';

export { idParam };

/** A queue page: its number, and the submission just assessed (for the notice). */
export const queueQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
  done: idParam.optional().catch(undefined),
});

/** Which queue the reviewer came from and goes back to: a cohort's, or every queue ('all', administrators). */
export const queueField = z
  .union([z.literal('all'), idParam])
  .optional()
  .catch(undefined);
export type QueueRef = 'all' | number;

export const reviewQuery = z.object({
  queue: queueField,
  done: idParam.optional().catch(undefined),
});
