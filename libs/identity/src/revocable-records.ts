import type { Fold } from '@ciclo/commands';
import type { Role } from './actor';
import { classifyDirectoryEvent, type DirectoryEvent } from './directory-events';

/** A record of a tenant's stream kept by id that may be revoked once (API keys, calendar feeds). */
export interface RevocableRecord {
  roles: Role[];
  revokedAt?: string;
  revokedBy?: string;
}

/** What one directory event does to such a stream: adds a record, revokes one, or nothing. */
export type RecordChange<R> = { add: R; id: string } | { revoke: string; by: string; at: string } | null;

/** A stream's records by id (in the field `K` of the state), and the stream version. */
export type RevocableRecords<K extends string, R> = { version: number } & { [P in K]: Map<string, R> };

/**
 * The fold of a stream of revocable records: `change` says what each event does (a switch over
 * the directory's union, exhaustive in each caller); an added record without an id is skipped, the
 * first revocation of a record counts, a later one changes nothing. The state folded from is never
 * changed (cached states are shared).
 */
export function revocableRecordsFold<K extends string, R extends RevocableRecord>(field: K, change: (e: DirectoryEvent) => RecordChange<R>): Fold<RevocableRecords<K, R>> {
  const stateOf = (version: number, records: Map<string, R>) => ({ version, [field]: records }) as RevocableRecords<K, R>;
  return {
    initial: () => stateOf(0, new Map()),
    version: (s) => s.version,
    keep: () => true,
    apply(from, events) {
      const records = new Map<string, R>();
      for (const [k, v] of (from as Record<K, Map<string, R>>)[field]) records.set(k, { ...v, roles: [...v.roles] });
      let version = from.version;
      for (const stored of events) {
        const e = classifyDirectoryEvent(stored);
        version = e.version;
        const c = change(e);
        if (!c) continue;
        if ('add' in c) {
          if (c.id) records.set(c.id, c.add);
          continue;
        }
        const r = records.get(c.revoke);
        if (r && !r.revokedAt) {
          r.revokedAt = c.at;
          r.revokedBy = c.by;
        }
      }
      return stateOf(version, records);
    },
  };
}
