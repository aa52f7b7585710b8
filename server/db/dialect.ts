import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { ENGINE } from './engine.ts';

// SQL that the two engines spell differently, written once here so that feature code stays the
// same on both. Everything else in raw sql`` fragments must be plain SQL both run: TRUE/FALSE
// for boolean literals (never 1/0), NOT x / x for boolean columns (never x = 0), CASE, EXISTS,
// COALESCE, window functions, ESCAPE '\'.

const onPostgres = ENGINE === 'postgres';

/** Unicode lower case of a text value, for case-insensitive search (SQLite's lower() folds ASCII only). */
export function foldCase(value: SQLWrapper | SQL): SQL {
  return onPostgres ? sql`lower(${value})` : sql`casefold(${value})`;
}

/** A text value as a case-insensitive sort key. */
export function caseless(value: SQLWrapper | SQL): SQL {
  return onPostgres ? sql`lower(${value})` : sql`${value} COLLATE NOCASE`;
}

/** The values of a group joined by `separator` (group_concat / string_agg), NULL for an empty group. */
export function joinedValues(value: SQLWrapper | SQL, separator = ','): SQL<string | null> {
  return onPostgres ? sql`string_agg(${value}::text, ${sql.raw(`'${separator}'`)})` : sql`group_concat(${value}, ${sql.raw(`'${separator}'`)})`;
}

/** The larger of two values (SQLite's two-argument max()). */
export function greater(a: SQLWrapper | SQL, b: SQLWrapper | SQL): SQL {
  return onPostgres ? sql`greatest(${a}, ${b})` : sql`max(${a}, ${b})`;
}

/** `column IN (ids)` where ids is one parameter holding a JSON array of integers: one statement for any number of ids. */
export function inJsonIds(column: SQLWrapper | SQL, jsonIds: SQLWrapper | SQL): SQL {
  return onPostgres
    ? sql`${column} IN (SELECT value::integer FROM json_array_elements_text(${jsonIds}::json))`
    : sql`${column} IN (SELECT value FROM json_each(${jsonIds}))`;
}

/** A boolean expression read back as a JavaScript boolean on both engines (SQLite gives 1/0). */
export function asBoolean(condition: SQL): SQL<boolean> {
  return sql<boolean>`${condition}`.mapWith((value: unknown) => value === true || value === 1 || value === '1' || value === 't');
}
