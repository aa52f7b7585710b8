import { z } from 'zod';
import { LANGUAGES } from '../http/i18n.ts';
import { PASSWORD_MAX, PASSWORD_MIN, isCommonPassword } from './passwords.ts';

// Messages are translation keys; views translate them per field.
const trimmed = (max: number) => z.string().trim().max(max, { message: 'validation.tooLong' });

export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'validation.email' }).max(254, { message: 'validation.tooLong' }));

export const newPassword = z
  .string()
  .min(PASSWORD_MIN, { message: 'validation.passwordShort' })
  .max(PASSWORD_MAX, { message: 'validation.passwordLong' })
  .refine((p) => !isCommonPassword(p), { message: 'validation.passwordCommon' });

export const profileFields = {
  name: trimmed(120).min(1, { message: 'validation.required' }),
  school: trimmed(200).default(''),
  region: trimmed(120).default(''),
  country: trimmed(120).default(''),
  language: z.enum(LANGUAGES, { message: 'validation.language' }).default('en'),
};

export const signupSchema = z.object({ ...profileFields, email: emailField, password: newPassword });
export const profileSchema = z.object(profileFields);
export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).default(''),
  password: z.string().max(PASSWORD_MAX).default(''),
  next: z.string().max(2000).optional(),
});
export const passwordChangeSchema = z.object({
  current: z.string().max(PASSWORD_MAX).default(''),
  password: newPassword,
});
export const setPasswordSchema = z.object({ password: newPassword });
export const resetRequestSchema = z.object({ email: emailField });
