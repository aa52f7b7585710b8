// The tables every feature imports, for the engine this process runs on (engine.ts).
// schema/*.ts are the SQLite tables; schema/pg/ mirrors them for PostgreSQL, table for table:
// change both together (test/db/schema-lockstep.test.ts compares them), then run
// `npm run db:generate`. Feature code is typed against the SQLite tables; on PostgreSQL the
// same names hold the mirror's tables, whose columns give the same JavaScript values.
//
// Times are integer milliseconds since the epoch: cheap to compare and aggregate over
// millions of rows, and identical in SQLite and PostgreSQL (bigint).

import { ENGINE } from './engine.ts';
import * as pg from './schema/pg/index.ts';
import * as sqlite from './schema/index.ts';

export * from './schema/values.ts';
export type { PersonSummary } from './schema/auth.ts';

const onPostgres = ENGINE === 'postgres';
/** The table of this engine, typed as the SQLite one (the mirror yields the same values). */
function pick<T>(sqliteTable: T, pgTable: unknown): T {
  return (onPostgres ? pgTable : sqliteTable) as T;
}

export const users = pick(sqlite.users, pg.users);
export const userRoles = pick(sqlite.userRoles, pg.userRoles);
export const sessions = pick(sqlite.sessions, pg.sessions);
export const oneTimeTokens = pick(sqlite.oneTimeTokens, pg.oneTimeTokens);
export const rateLimits = pick(sqlite.rateLimits, pg.rateLimits);
export const certificates = pick(sqlite.certificates, pg.certificates);
export const issuerKeys = pick(sqlite.issuerKeys, pg.issuerKeys);
export const cohorts = pick(sqlite.cohorts, pg.cohorts);
export const cohortCourses = pick(sqlite.cohortCourses, pg.cohortCourses);
export const cohortTrainers = pick(sqlite.cohortTrainers, pg.cohortTrainers);
export const cohortMembers = pick(sqlite.cohortMembers, pg.cohortMembers);
export const reminderRules = pick(sqlite.reminderRules, pg.reminderRules);
export const reminderSends = pick(sqlite.reminderSends, pg.reminderSends);
export const courses = pick(sqlite.courses, pg.courses);
export const modules = pick(sqlite.modules, pg.modules);
export const moduleCompetencies = pick(sqlite.moduleCompetencies, pg.moduleCompetencies);
export const enrolments = pick(sqlite.enrolments, pg.enrolments);
export const moduleProgress = pick(sqlite.moduleProgress, pg.moduleProgress);
export const placeCounts = pick(sqlite.placeCounts, pg.placeCounts);
export const quizAttempts = pick(sqlite.quizAttempts, pg.quizAttempts);
export const competencyEvidence = pick(sqlite.competencyEvidence, pg.competencyEvidence);
export const learningRecords = pick(sqlite.learningRecords, pg.learningRecords);
export const competencyStandings = pick(sqlite.competencyStandings, pg.competencyStandings);
export const storedFiles = pick(sqlite.storedFiles, pg.storedFiles);
export const submissions = pick(sqlite.submissions, pg.submissions);
export const assessments = pick(sqlite.assessments, pg.assessments);
export const liveSessions = pick(sqlite.liveSessions, pg.liveSessions);
export const sessionAttendance = pick(sqlite.sessionAttendance, pg.sessionAttendance);
export const recognitions = pick(sqlite.recognitions, pg.recognitions);
export const programmes = pick(sqlite.programmes, pg.programmes);
export const programmeCourses = pick(sqlite.programmeCourses, pg.programmeCourses);
export const complianceTargets = pick(sqlite.complianceTargets, pg.complianceTargets);
export const organisations = pick(sqlite.organisations, pg.organisations);
export const organisationNames = pick(sqlite.organisationNames, pg.organisationNames);
export const leases = pick(sqlite.leases, pg.leases);
export const versions = pick(sqlite.versions, pg.versions);
