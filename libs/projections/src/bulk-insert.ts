import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * One INSERT of many rows through `unnest`: each column travels as one array parameter, so the
 * statement and its plan do not grow with the rows. `columns` are `name type` (`cycle_id uuid`);
 * an array column (`commands text[]`) travels as its text literal (`{a,b}`), since unnest cannot
 * carry an array per row, and is cast back in the SELECT. `tail` follows the SELECT (ON CONFLICT).
 */
export function unnestInsert(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], tail = ''): [string, unknown[][]] {
  const specs = columns.map((c) => {
    const space = c.indexOf(' ');
    const type = c.slice(space + 1);
    return { name: c.slice(0, space), type, array: type.endsWith('[]') };
  });
  const sql =
    `INSERT INTO ${table} (${specs.map((s) => s.name).join(', ')}) ` +
    `SELECT ${specs.map((s, i) => (s.array ? `c${i}::${s.type}` : `c${i}`)).join(', ')} ` +
    `FROM unnest(${specs.map((s, i) => `$${i + 1}::${s.array ? 'text' : s.type}[]`).join(', ')}) AS t(${specs.map((_, i) => `c${i}`).join(', ')})` +
    (tail ? ` ${tail}` : '');
  return [sql, specs.map((_, i) => rows.map((r) => r[i]))];
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
