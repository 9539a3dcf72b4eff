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
];
