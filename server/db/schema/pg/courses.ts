import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Assignment, Quiz } from '../values.ts';
import { users } from './auth.ts';

// PostgreSQL mirror of ../courses.ts.

export const courses = pgTable(
  'courses',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    language: text('language').notNull(),
    licence: text('licence').notNull(),
    authors: jsonb('authors').$type<string[]>().notNull(),
    hours: doublePrecision('hours').notNull(),
    sequential: boolean('sequential').notNull().default(false),
    certificate: boolean('certificate').notNull().default(true),
    archived: boolean('archived').notNull().default(false),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('courses_slug_unique').on(t.slug)],
);

export const modules = pgTable(
  'modules',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    slug: text('slug').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    minutes: integer('minutes').notNull(),
    bodyHtml: text('body_html').notNull(),
    quiz: jsonb('quiz').$type<Quiz>(),
    assignment: jsonb('assignment').$type<Assignment>(),
    archived: boolean('archived').notNull().default(false),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('modules_course_slug_unique').on(t.courseId, t.slug)],
);

export const moduleCompetencies = pgTable(
  'module_competencies',
  {
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    competency: text('competency').notNull(),
  },
  (t) => [primaryKey({ columns: [t.moduleId, t.competency] }), index('module_competencies_code_idx').on(t.competency)],
);

export const programmes = pgTable('programmes', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

export const programmeCourses = pgTable(
  'programme_courses',
  {
    programmeId: integer('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
  },
  (t) => [primaryKey({ columns: [t.programmeId, t.courseId] })],
);
