/** Deadlines in a page when the caller does not say (`limit`). */
export const DEADLINES_DEFAULT_LIMIT = 50;

/**
 * The sort key of the last deadline of a page: the next page starts after it. The order is the
 * effective date (none last, as `infinity`), then cycle, then deadline id.
 */
export interface DeadlineCursor {
  /** Effective date (YYYY-MM-DD), or `infinity` for a deadline without one */
  dateKey: string;
  cycleId: string;
  deadlineId: string;
}

/** The opaque `nextCursor` of a deadlines page. */
export function encodeDeadlineCursor(c: DeadlineCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, d: c.dateKey, c: c.cycleId, i: c.deadlineId })).toString('base64url');
}

/** A real calendar day written YYYY-MM-DD. */
const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEADLINE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$/;

/** Where a cursor continues after, or null when it is not one `encodeDeadlineCursor` made. */
export function decodeDeadlineCursor(cursor: string): DeadlineCursor | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  try {
    const { v, d, c, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (v !== 1 || typeof d !== 'string' || typeof c !== 'string' || typeof i !== 'string') return null;
    if (d !== 'infinity' && !isDay(d)) return null;
    if (!UUID.test(c) || !DEADLINE_ID.test(i)) return null;
    return { dateKey: d, cycleId: c, deadlineId: i };
  } catch {
    return null;
  }
}
