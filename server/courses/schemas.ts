import { z } from 'zod';

// Unknown filter values are dropped rather than refused: a catalogue link should never break.
export const catalogueQuery = z.object({
  language: z.enum(['en', 'ru']).optional().catch(undefined),
  competency: z
    .string()
    .regex(/^K[ADC]\.[1-6]$/)
    .optional()
    .catch(undefined),
});
