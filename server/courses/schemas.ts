import { z } from 'zod';

// Unknown filter values are dropped rather than refused: a catalogue link should never break.
export const catalogueQuery = z.object({
  language: z.enum(['en', 'ru']).optional().catch(undefined),
  competency: z
    .string()
    .regex(/^K[ADC]\.[1-6]$/)
    .optional()
    .catch(undefined),
  // A long query is cut, not refused: it is echoed back and keyed in the shared page cache.
  q: z
    .string()
    .transform((s) => s.replace(/\s+/g, ' ').trim().slice(0, 100))
    .optional()
    .catch(undefined),
});

export type CatalogueFilters = z.infer<typeof catalogueQuery>;
