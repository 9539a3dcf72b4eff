import type { Client } from 'pg';

/**
 * What `ciclo backup` and `ciclo restore` need to know of, and do to, the PostgreSQL event log
 * (the dump and the restore themselves are pg_dump's and pg_restore's).
 */

/** True when the database holds an event log. */
export async function hasEventLog(c: Client): Promise<boolean> {
  return (await c.query<{ ok: boolean }>("SELECT to_regclass('es_events') IS NOT NULL AS ok")).rows[0].ok;
}

/** How many events the log holds and its highest position. */
export async function logHead(c: Client): Promise<{ events: number; head: number }> {
  const { rows } = await c.query<{ n: string; p: string | null }>('SELECT count(*) AS n, max(position) AS p FROM es_events');
  return { events: Number(rows[0].n), head: Number(rows[0].p ?? 0) };
}

/**
 * Subscriptions read the log in (tx_id, position) order, below the oldest running transaction.
 * Restored rows keep the old server's transaction ids, which a new server has not reached: new
 * events would sort before restored ones and the restored ones would stay unreadable. So each
 * distinct tx_id is replaced by its rank (+2, order kept), checkpoints are mapped the same way,
 * and this server's transaction counter is moved past the highest rank when it is not already.
 * Hashes and seals do not cover tx_id: `audit verify` is unaffected. `textCheckpointTables` are
 * other tables whose `checkpoint` column holds `tx:position` text (the read models' checkpoints).
 */
export async function renumberTransactions(c: Client, textCheckpointTables: readonly string[] = []): Promise<{ transactions: number; xidsAdvanced: number }> {
  await c.query('BEGIN');
  let transactions: number;
  try {
    await c.query(`CREATE TEMP TABLE ciclo_tx_map ON COMMIT DROP AS
      SELECT tx_id AS old, ((row_number() OVER (ORDER BY tx_id)) + 2)::text::xid8 AS new FROM (SELECT DISTINCT tx_id FROM es_events) d`);
    await c.query('CREATE INDEX ON ciclo_tx_map (old)');
    const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM ciclo_tx_map');
    transactions = n.rows[0].n;
    // The log is append-only (a trigger refuses UPDATE): lifted for this transaction only.
    await c.query('ALTER TABLE es_events DISABLE TRIGGER es_events_immutable');
    await c.query('UPDATE es_events e SET tx_id = m.new FROM ciclo_tx_map m WHERE e.tx_id = m.old');
    await c.query('ALTER TABLE es_events ENABLE TRIGGER es_events_immutable');
    const mapped = (col: string) => `((SELECT count(*) FROM ciclo_tx_map m WHERE m.old <= ${col}) + 2)`;
    await c.query(`UPDATE es_checkpoints SET tx_id = ${mapped('es_checkpoints.tx_id')}::text::xid8`);
    for (const table of textCheckpointTables) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`Malformed table name "${table}"`);
      if (!(await c.query('SELECT to_regclass($1) IS NOT NULL AS ok', [table])).rows[0].ok) continue;
      await c.query(
        `UPDATE ${table} SET checkpoint = ${mapped("split_part(checkpoint, ':', 1)::xid8")}::text || ':' || split_part(checkpoint, ':', 2)
          WHERE checkpoint ~ '^[0-9]+:[0-9]+$'`,
      );
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  const xidsAdvanced = await advanceTransactionIds(c, transactions + 2);
  return { transactions, xidsAdvanced };
}

/** Consumes transaction ids until this server's next one is above `above` (a fresh server starts near 1,000). */
export async function advanceTransactionIds(c: Client, above: number): Promise<number> {
  const current = Number((await c.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
  const missing = above + 1 - current;
  if (missing <= 0) return 0;
  await c.query(`CREATE PROCEDURE pg_temp.ciclo_consume_xids(n bigint) LANGUAGE plpgsql AS $$
    BEGIN FOR i IN 1..n LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
  await c.query('CALL pg_temp.ciclo_consume_xids($1)', [missing]);
  return missing;
}
