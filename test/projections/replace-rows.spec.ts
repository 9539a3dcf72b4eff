import { Pool } from 'pg';
import { oneStatement, replaceRows, unnestInsert } from '../../libs/projections/src/bulk-insert';
import { createTestDatabase, type TestDatabase } from '../support/database';

const COLUMNS = ['cycle_id uuid', 'role text', 'stage text', 'commands text[]', 'sent_by jsonb', 'due date'];
const KEY = ['cycle_id', 'role'];
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

/**
 * The projector replaces a batch's inbox and deadline rows in one statement: rows that did not
 * change must stay the same row version (not written again), changed rows take every new value,
 * rows no longer derived go, and the entities not in the batch are not touched.
 */
describe('replaceRows and oneStatement (the cycles projector’s writes in one round trip)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('replacerows');
    pool = new Pool({ connectionString: db.url, max: 2 });
    await pool.query(
      `CREATE TABLE r (cycle_id uuid NOT NULL, role text NOT NULL, stage text NOT NULL, commands text[] NOT NULL, sent_by jsonb, due date,
                       PRIMARY KEY (cycle_id, role))`,
    );
    await pool.query('CREATE TABLE n (id int PRIMARY KEY, a text, b text, c text, d text, e text, f text, g text, h text, i text, j text, k text)');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(() => pool.query('TRUNCATE r, n'));

  const replace = (entities: string[], rows: unknown[][]) => pool.query(...oneStatement(replaceRows('r', COLUMNS, KEY, entities, rows)));
  /** Each row with its row version (xmin): a row written again gets a new one. */
  const stored = async () =>
    (
      await pool.query<{ key: string; stage: string; commands: string[]; sent_by: unknown; due: string | null; xmin: string }>(
        `SELECT cycle_id || '/' || role AS key, stage, commands, sent_by, to_char(due, 'YYYY-MM-DD') AS due, xmin::text FROM r ORDER BY cycle_id, role`,
      )
    ).rows;

  it('leaves unchanged rows as they are, updates changed ones, inserts new ones, deletes the ones no longer derived', async () => {
    await replace(
      [A, B],
      [
        [A, 'po', 'bozza', '{submit}', { actorId: 'u1', note: null }, '2027-01-31'],
        [A, 'segretario_generale', 'bozza', '{approve}', null, null],
        [B, 'po', 'bozza', '{submit}', null, '2027-01-31'],
      ],
    );
    const before = new Map((await stored()).map((r) => [r.key, r]));
    expect(before.size).toBe(3);

    await replace(
      [A],
      [
        [A, 'po', 'bozza', '{submit}', { note: null, actorId: 'u1' }, '2027-01-31'], // the same values (jsonb keys in another order)
        [A, 'dirigente', 'revisione', '{approve,request_changes}', { actorId: 'u2' }, '2027-03-31'], // new
      ],
    );
    const after = new Map((await stored()).map((r) => [r.key, r]));
    expect([...after.keys()]).toEqual([`${A}/dirigente`, `${A}/po`, `${B}/po`]);
    expect(after.get(`${A}/po`)?.xmin).toBe(before.get(`${A}/po`)?.xmin); // not written again
    expect(after.get(`${B}/po`)?.xmin).toBe(before.get(`${B}/po`)?.xmin); // not in the batch
    expect(after.get(`${A}/dirigente`)).toMatchObject({ stage: 'revisione', commands: ['approve', 'request_changes'], sent_by: { actorId: 'u2' }, due: '2027-03-31' });

    // Every column that differs is written, a null included.
    await replace([A], [
      [A, 'po', 'revisione', '{}', null, null],
      [A, 'dirigente', 'revisione', '{approve,request_changes}', { actorId: 'u2' }, '2027-03-31'],
    ]);
    const third = new Map((await stored()).map((r) => [r.key, r]));
    expect(third.get(`${A}/po`)).toMatchObject({ stage: 'revisione', commands: [], sent_by: null, due: null });
    expect(third.get(`${A}/po`)?.xmin).not.toBe(after.get(`${A}/po`)?.xmin);
    expect(third.get(`${A}/dirigente`)?.xmin).toBe(after.get(`${A}/dirigente`)?.xmin);
  });

  it('deletes every row of an entity that is left with none, and only its rows', async () => {
    await replace([A, B], [
      [A, 'po', 'bozza', '{submit}', null, null],
      [B, 'po', 'bozza', '{submit}', null, null],
    ]);
    await replace([A], []);
    expect((await stored()).map((r) => r.key)).toEqual([`${B}/po`]);
  });

  it('numbers each part’s parameters after the previous parts’ (ten and more)', async () => {
    const cols = ['id int', ...'abcdefghijk'.split('').map((c) => `${c} text`)];
    const row = (id: number) => [id, ...'abcdefghijk'.split('').map((c) => `${c}${id}`)];
    const [sql, params] = oneStatement([
      unnestInsert('n', cols, [row(1), row(2)]),
      unnestInsert('n', cols, [row(3)]),
      ...replaceRows('r', COLUMNS, KEY, [A], [[A, 'po', 'bozza', '{}', null, null]]),
    ]);
    expect(params).toHaveLength(12 + 12 + 6 + 3);
    expect(sql).toContain('$24::text[]');
    await pool.query(sql, params);
    const { rows } = await pool.query<{ id: number; k: string; a: string }>('SELECT id, a, k FROM n ORDER BY id');
    expect(rows).toEqual([
      { id: 1, a: 'a1', k: 'k1' },
      { id: 2, a: 'a2', k: 'k2' },
      { id: 3, a: 'a3', k: 'k3' },
    ]);
    expect((await stored()).map((r) => r.key)).toEqual([`${A}/po`]);
  });

  it('refuses a key column that is not among the columns', () => {
    expect(() => replaceRows('r', COLUMNS, ['cycle_id', 'deadline_id'], [A], [])).toThrow(/deadline_id/);
  });
});
