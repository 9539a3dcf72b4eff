import { isIsoDate, zonedInstant } from '@ciclo/domain';

/** Instants for role and key validity: ISO 8601 instants, or dates read in the tenant's time zone. */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a validity bound: an ISO 8601 instant with offset (`2027-01-01T09:00:00+01:00`) as is; a
 * date (`2027-01-01`) as the start of that day in `tz` for a start, or the end of that day (the
 * start of the next) for an end, so that "until 2027-12-31" includes the 31st. Null when malformed
 * or outside 2000-2200.
 */
export function readBound(value: unknown, tz: string, bound: 'start' | 'end'): Date | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  if (isIsoDate(value)) {
    const year = Number(value.slice(0, 4));
    if (year < 2000 || year > 2200) return null;
    let day = value;
    if (bound === 'end') {
      const [y, m, d] = value.split('-').map(Number);
      day = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
    }
    return zonedInstant(day, '00:00', tz);
  }
  if (!ISO_INSTANT.test(value)) return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  const y = new Date(t).getUTCFullYear();
  return y >= 2000 && y <= 2200 ? new Date(t) : null;
}
