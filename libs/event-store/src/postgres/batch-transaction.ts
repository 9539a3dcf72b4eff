import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { Checkpoint } from '../types';

/** How one subscription transactor keeps its checkpoint, as SQL text (the values already quoted). */
export interface CheckpointStatements<Row extends QueryResultRow> {
  /** Reads and locks the stored checkpoint (`SELECT … FOR UPDATE`). */
  lock: string;
  /** The stored checkpoint from the rows `lock` returned (null: none). */
  stored(rows: Row[]): Checkpoint | null;
  /** Stores the new checkpoint. */
  save: string;
}

/**
 * One batch of a subscription on `client`, in two round trips besides `fn`'s own: `BEGIN` with the
 * checkpoint's lock, then the new checkpoint with `COMMIT`. Several statements in one query go by
 * the simple protocol, which takes no parameters, so the statements carry their values as quoted
 * literals (`client.escapeLiteral`). The lock is taken before `fn` writes anything, the order a
 * rebuild's swap takes too. False, with nothing written, when the stored checkpoint is not `from`;
 * on any failure the transaction is rolled back and the error thrown, so the connection goes back
 * with no transaction open.
 */
export async function checkpointedBatch<Row extends QueryResultRow>(
  client: PoolClient,
  sql: CheckpointStatements<Row>,
  from: Checkpoint | null,
  fn: () => Promise<void>,
): Promise<boolean> {
  // Set before BEGIN is sent: whatever fails after it is rolled back.
  let open = true;
  try {
    const results = (await client.query(`BEGIN; ${sql.lock}`)) as unknown as QueryResult<Row>[];
    if (sql.stored(results[1].rows) !== from) return false;
    await fn();
    await client.query(`${sql.save}; COMMIT`);
    open = false;
    return true;
  } finally {
    // Not committed (moved, or a failure).
    if (open) await client.query('ROLLBACK').catch(() => undefined);
  }
}
