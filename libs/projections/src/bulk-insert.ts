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
