import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Assignment, Quiz } from './values.ts';
import { users } from './auth.ts';

export const courses = sqliteTable(
  'courses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    language: text('language').notNull(),
    licence: text('licence').notNull(),
    authors: text('authors', { mode: 'json' }).$type<string[]>().notNull(),
    hours: real('hours').notNull(),
    sequential: integer('sequential', { mode: 'boolean' }).notNull().default(false),
    certificate: integer('certificate', { mode: 'boolean' }).notNull().default(true),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('courses_slug_unique').on(t.slug)],
);

export const modules = sqliteTable(
  'modules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    slug: text('slug').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    minutes: integer('minutes').notNull(),
    bodyHtml: text('body_html').notNull(), // rendered and sanitised once, at load
    quiz: text('quiz', { mode: 'json' }).$type<Quiz>(),
    assignment: text('assignment', { mode: 'json' }).$type<Assignment>(),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('modules_course_slug_unique').on(t.courseId, t.slug)],
);

export const moduleCompetencies = sqliteTable(
  'module_competencies',
  {
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    competency: text('competency').notNull(),
  },
  (t) => [primaryKey({ columns: [t.moduleId, t.competency] }), index('module_competencies_code_idx').on(t.competency)],
);

/** A named set of courses (a training programme) compared against the ICT-CFT on /admin/reports/programmes. */
export const programmes = sqliteTable('programmes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const programmeCourses = sqliteTable(
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
