import { Pool } from 'pg';
import { copyRows, copyValue } from '../../libs/projections/src/bulk-insert';
import { createTestDatabase, type TestDatabase } from '../support/database';

const COLUMNS = ['id int', 'note text', 'at timestamptz', 'day date', 'flag boolean', 'big bigint', 'doc jsonb', 'roles text[]'];

/**
 * The rebuild writes its fresh tables with COPY in text format: every value must come back as it
 * went in, whatever characters its text holds, and a COPY that fails must leave nothing written
 * and its connection usable.
 */
describe('copyRows (COPY … FROM STDIN, text format)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('copyrows');
    pool = new Pool({ connectionString: db.url, max: 2 });
    await pool.query(
      'CREATE TABLE t (id int PRIMARY KEY, note text, at timestamptz, day date, flag boolean, big bigint, doc jsonb, roles text[])',
    );
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(() => pool.query('TRUNCATE t'));

  const copy = async (rows: Iterable<readonly unknown[]>) => {
    const client = await pool.connect();
    try {
      await copyRows(client, 't', COLUMNS, rows);
    } finally {
      client.release();
    }
  };

  it('encodes the characters COPY gives a meaning to, and nothing else', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyValue('città «perché»')).toBe('città «perché»');
    expect(copyValue(true)).toBe('t');
    expect(copyValue(false)).toBe('f');
    expect(copyValue(12n)).toBe('12');
    expect(copyValue(new Date('2026-03-31T22:00:00.000Z'))).toBe('2026-03-31T22:00:00.000Z');
    expect(copyValue({ a: 'x"\\y' })).toBe('{"a":"x\\\\"\\\\\\\\y"}');
  });

  it('writes every value back as it was, texts with tabs, newlines, backslashes and the null marker included', async () => {
    const notes = ['', '\\N', 'riga 1\nriga 2', 'a\tb', 'fine\r\n', 'C:\\atti\\2026', 'virgolette "doppie" e \'singole\'', 'città — €', null];
    const doc = { text: 'tab\tnewline\nbackslash\\quote"', list: [1, 'due', null], nested: { ok: true } };
    const rows = notes.map((note, i) => [
      i + 1,
      note,
      new Date(Date.UTC(2026, 0, 31, 23, 59, 59, 123)),
      '2026-02-28',
      i % 2 === 0,
      9007199254740993n,
      JSON.stringify({ ...doc, i }),
      '{po,sg}',
    ]);
    await copy(rows);
    const back = await pool.query<{ id: number; note: string | null; at: Date; day: string; flag: boolean; big: string; doc: unknown; roles: string[] }>(
      'SELECT id, note, at, day::text AS day, flag, big::text AS big, doc, roles FROM t ORDER BY id',
    );
    expect(back.rows.map((r) => r.note)).toEqual(notes);
    for (const [i, r] of back.rows.entries()) {
      expect(r.at.toISOString()).toBe('2026-01-31T23:59:59.123Z');
      expect(r.day).toBe('2026-02-28');
      expect(r.flag).toBe(i % 2 === 0);
      expect(r.big).toBe('9007199254740993');
      expect(r.doc).toEqual({ ...doc, i });
      expect(r.roles).toEqual(['po', 'sg']);
    }
  });

  it('streams rows produced lazily, over many chunks, reading each only when the stream needs it', async () => {
    let produced = 0;
    function* rows() {
      for (let i = 1; i <= 5003; i++) {
        produced++;
        yield [i, `nota ${i}`, null, null, null, null, null, null];
      }
    }
    await copy(rows());
    expect(produced).toBe(5003);
    const { rows: count } = await pool.query<{ n: number; s: string }>('SELECT count(*)::int AS n, sum(id)::text AS s FROM t');
    expect(count[0]).toEqual({ n: 5003, s: String((5003 * 5004) / 2) });
  });

  it('writes nothing when a row is refused, and says which', async () => {
    const rows = [
      [1, 'buona', null, null, null, null, null, null],
      [2, 'data sbagliata', null, '2026-02-30', null, null, null, null],
    ];
    await expect(copy(rows)).rejects.toThrow(/2026-02-30/);
    expect((await pool.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
  });

  it('writes nothing when the rows fail to be produced, and leaves the connection usable', async () => {
    function* rows() {
      for (let i = 1; i <= 1200; i++) {
        if (i === 1100) throw new Error('stato non serializzabile');
        yield [i, null, null, null, null, null, null, null];
      }
    }
    const client = await pool.connect();
    try {
      await expect(copyRows(client, 't', COLUMNS, rows())).rejects.toThrow('stato non serializzabile');
      expect((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
    } finally {
      client.release();
    }
  });
});
