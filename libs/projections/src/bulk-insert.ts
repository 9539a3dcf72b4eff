import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

interface ColumnSpec {
  name: string;
  type: string;
  array: boolean;
}

function columnSpecs(columns: readonly string[]): ColumnSpec[] {
  return columns.map((c) => {
    const space = c.indexOf(' ');
    const type = c.slice(space + 1);
    return { name: c.slice(0, space), type, array: type.endsWith('[]') };
  });
}

/**
 * One INSERT of many rows through `unnest`: each column travels as one array parameter, so the
 * statement and its plan do not grow with the rows. `columns` are `name type` (`cycle_id uuid`);
 * an array column (`commands text[]`) travels as its text literal (`{a,b}`), since unnest cannot
 * carry an array per row, and is cast back in the SELECT. `tail` follows the SELECT (ON CONFLICT).
 * The target is aliased `t`, for a `tail` that names the stored row.
 */
export function unnestInsert(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], tail = ''): [string, unknown[][]] {
  const specs = columnSpecs(columns);
  const sql =
    `INSERT INTO ${table} AS t (${specs.map((s) => s.name).join(', ')}) ` +
    `SELECT ${specs.map((s, i) => (s.array ? `c${i}::${s.type}` : `c${i}`)).join(', ')} ` +
    `FROM unnest(${specs.map((s, i) => `$${i + 1}::${s.array ? 'text' : s.type}[]`).join(', ')}) AS u(${specs.map((_, i) => `c${i}`).join(', ')})` +
    (tail ? ` ${tail}` : '');
  return [sql, specs.map((_, i) => rows.map((r) => r[i]))];
}

/**
 * The rows of some entities replaced by `rows` without rewriting what did not change, as two
 * writes for `oneStatement`: each row is inserted, or updated only where a column differs from the
 * stored row (an unchanged row is not written again: no new row version, no index entries), and
 * the stored rows of those entities that `rows` no longer has are deleted. `key` are the primary
 * key's columns, the first of them the entity's (`cycle_id`); `entities` the ids whose rows are
 * replaced (also those left with no row). The two touch disjoint keys, so their order inside the
 * statement does not matter.
 */
export function replaceRows(
  table: string,
  columns: readonly string[],
  key: readonly string[],
  entities: readonly string[],
  rows: readonly (readonly unknown[])[],
): [string, unknown[]][] {
  const specs = columnSpecs(columns);
  const keyAt = key.map((k) => {
    const i = specs.findIndex((s) => s.name === k);
    if (i < 0) throw new Error(`replaceRows: key column ${k} is not among the columns of ${table}`);
    return i;
  });
  const others = specs.filter((s) => !key.includes(s.name)).map((s) => s.name);
  const upsert = unnestInsert(
    table,
    columns,
    rows,
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')} ` +
      `WHERE (${others.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${others.map((c) => `EXCLUDED.${c}`).join(', ')})`,
  );
  const k = key.map((_, i) => `k${i}`);
  const removal: [string, unknown[]] = [
    `DELETE FROM ${table} AS d WHERE d.${key[0]} = ANY($1::${specs[keyAt[0]].type}[]) ` +
      `AND NOT EXISTS (SELECT 1 FROM unnest(${keyAt.map((i, n) => `$${n + 2}::${specs[i].type}[]`).join(', ')}) AS k(${k.join(', ')}) ` +
      `WHERE ${key.map((c, i) => `k.${k[i]} = d.${c}`).join(' AND ')})`,
    [entities, ...keyAt.map((i) => rows.map((r) => r[i]))],
  ];
  return [upsert, removal];
}

/**
 * Several statements' writes in one statement, one round trip: each becomes a data-modifying
 * `WITH` query (each runs once and to completion, all on the same snapshot), its parameters
 * renumbered after the previous ones'. For writes that do not read each other's rows.
 */
export function oneStatement(parts: readonly (readonly [string, readonly unknown[]])[]): [string, unknown[]] {
  const params: unknown[] = [];
  const queries = parts.map(([sql, own], i) => {
    const offset = params.length;
    params.push(...own);
    return `w${i} AS (${sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
  });
  return [`WITH ${queries.join(', ')} SELECT ${parts.length}`, params];
}

/**
 * A value in COPY's text format: `\N` for null, ISO 8601 for dates, `t`/`f` for booleans, JSON for
 * other objects; in text, the characters COPY gives a meaning to (backslash, tab, newline, carriage
 * return) escaped with a backslash.
 */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const text = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
  return text.replace(COPY_ESCAPES, (c) => COPY_ESCAPED[c]);
}

const COPY_ESCAPES = /[\\\t\n\r]/g;
const COPY_ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Rows per chunk handed to the COPY stream. */
const COPY_CHUNK_ROWS = 500;

/**
 * Appends rows to a table through `COPY … FROM STDIN` (text format): the rows are streamed as
 * lines, with nothing for the server to parse but the values themselves — no array parameters to
 * unnest, no statement to plan. `columns` as for `unnestInsert` (`name type`; the table gives the
 * types). `rows` may be produced lazily: each is read when the stream needs more. No conflict
 * handling: for tables that receive each key once (a rebuild's fresh tables).
 */
export async function copyRows(client: PoolClient, table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<void> {
  const names = columns.map((c) => c.slice(0, c.indexOf(' ')));
  function* chunks(): Generator<string> {
    let chunk = '';
    let n = 0;
    for (const row of rows) {
      chunk += row.map(copyValue).join('\t') + '\n';
      if (++n === COPY_CHUNK_ROWS) {
        yield chunk;
        chunk = '';
        n = 0;
      }
    }
    if (n > 0) yield chunk;
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${table} (${names.join(', ')}) FROM STDIN`)));
}
