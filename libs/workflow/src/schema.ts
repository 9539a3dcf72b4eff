import type { SqlMigration } from '@ciclo/event-store';

/** Tables of the workflow application layer (documents are content-addressed: the event carries the hash). */
export const WORKFLOW_MIGRATIONS: SqlMigration[] = [
  {
    id: '0100_documents',
    sql: `
CREATE TABLE wf_documents (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  media_type  text NOT NULL,
  size        integer NOT NULL CHECK (size > 0),
  bytes       bytea NOT NULL,
  stored_at   timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    // Applied once by older versions: the duplicate-deliberation-number rule looked up deliberations
    // in the log. The register stream replaced the look-up (deliberation-register.ts); 0102 drops it.
    id: '0101_deliberations_index',
    sql: `CREATE INDEX es_events_deliberations ON es_events (tenant) WHERE data->>'kind' = 'deliberation';`,
  },
  {
    id: '0102_drop_deliberations_index',
    sql: `DROP INDEX IF EXISTS es_events_deliberations;`,
  },
];
