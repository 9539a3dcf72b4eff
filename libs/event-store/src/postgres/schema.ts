/**
 * Schema of the PostgreSQL event store, as ordered migrations. A migration is never edited once
 * released: changes are new entries.
 */
export interface SqlMigration {
  id: string;
  sql: string;
}

/**
 * The stream's head (version, hash) read into v_version, v_head, v_exists, and the tenant and the
 * expected version checked: the same statements in every form of the append (0001, 0002 and its
 * 0004 revision, 0005), so that one event and a batch refuse alike.
 */
const STREAM_HEAD_CHECK = `  SELECT s.version, s.head_hash, s.tenant INTO v_version, v_head, v_tenant
    FROM es_streams s WHERE s.stream_id = p_stream;
  v_exists := FOUND;
  IF NOT v_exists THEN
    v_version := 0;
    v_head := '';
  ELSIF v_tenant <> p_tenant THEN
    RAISE EXCEPTION 'tenant mismatch' USING ERRCODE = 'CE003';
  END IF;

  IF (p_expected = 'no_stream' AND v_exists)
     OR (p_expected = 'exists' AND NOT v_exists)
     OR (p_expected NOT IN ('any', 'no_stream', 'exists') AND p_expected::integer <> v_version) THEN
    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'CE001', DETAIL = v_version::text,
      HINT = CASE WHEN v_exists THEN 'exists' ELSE 'missing' END;
  END IF;
`;

/** es_append as migration 0002 defines it (released: never edited; 0004 changes one statement). */
const APPEND_MULTIROW = `
CREATE OR REPLACE FUNCTION es_append(
  p_stream text, p_tenant text, p_expected text,
  p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_content_hashes text[]
) RETURNS TABLE (out_position bigint, out_version integer, out_replayed boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  n integer := array_length(p_ids, 1);
  v_found integer;
  v_conflicts text;
  v_version integer;
  v_head text;
  v_tenant text;
  v_exists boolean;
  v_now timestamptz := now();
  v_micros bigint := (extract(epoch FROM now()) * 1000000)::bigint;
  v_versions integer[] := '{}';
  v_prev text[] := '{}';
  v_hashes text[] := '{}';
  i integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 7321));

  SELECT count(*) INTO v_found FROM es_events WHERE event_id = ANY (p_ids);
  IF v_found > 0 THEN
    SELECT string_agg(x.id::text, ',') INTO v_conflicts
      FROM unnest(p_ids, p_content_hashes) AS x(id, h)
      LEFT JOIN es_events e ON e.event_id = x.id
     WHERE e.event_id IS NULL OR e.content_hash <> x.h OR e.stream_id <> p_stream;
    IF v_conflicts IS NOT NULL THEN
      RAISE EXCEPTION 'event id conflict' USING ERRCODE = 'CE002', DETAIL = v_conflicts;
    END IF;
    RETURN QUERY SELECT e.position, e.version, true FROM es_events e
      WHERE e.event_id = ANY (p_ids) ORDER BY e.version;
    RETURN;
  END IF;

${STREAM_HEAD_CHECK}
  FOR i IN 1 .. n LOOP
    v_version := v_version + 1;
    v_versions := v_versions || v_version;
    v_prev := v_prev || v_head;
    v_head := encode(sha256(convert_to(
      v_head || '|' || p_stream || '|' || v_version || '|' || p_content_hashes[i] || '|' || v_micros, 'UTF8')), 'hex');
    v_hashes := v_hashes || v_head;
  END LOOP;

  RETURN QUERY
  WITH ins AS (
    INSERT INTO es_events (stream_id, version, tenant, event_id, type, data, metadata,
                           recorded_at, recorded_micros, content_hash, prev_hash, hash)
    SELECT p_stream, x.v, p_tenant, x.id, x.t, x.d, x.m, v_now, v_micros, x.ch, x.ph, x.h
      FROM unnest(v_versions, p_ids, p_types, p_data, p_metadata, p_content_hashes, v_prev, v_hashes)
           WITH ORDINALITY AS x(v, id, t, d, m, ch, ph, h, ord)
     ORDER BY x.ord
    RETURNING position, version
  )
  SELECT ins.position, ins.version, false FROM ins ORDER BY ins.version;

  IF v_exists THEN
    UPDATE es_streams SET version = v_version, head_hash = v_head WHERE stream_id = p_stream;
  ELSE
    INSERT INTO es_streams (stream_id, tenant, version, head_hash) VALUES (p_stream, p_tenant, v_version, v_head);
  END IF;
END $fn$;
`;

/** 0002's duplicate-id lookup, and what migration 0004 puts in its place (the rest is the same). */
const ANY_ID_LOOKUP = '  SELECT count(*) INTO v_found FROM es_events WHERE event_id = ANY (p_ids);\n';
const INDEXED_ID_LOOKUP = `  -- One probe of the unique index per id, whatever the table's size when the session planned it:
  -- a lateral subquery with LIMIT is not turned into a join, so no plan can scan the whole table.
  SELECT count(*) INTO v_found
    FROM unnest(p_ids) AS x(id),
         LATERAL (SELECT 1 FROM es_events e WHERE e.event_id = x.id LIMIT 1) AS hit;
`;
if (!APPEND_MULTIROW.includes(ANY_ID_LOOKUP))
  throw new Error('migration 0004: the statement it replaces is not in 0002');

/**
 * es_append_one's probe of the event id before its INSERT (migration 0005), which migration 0006
 * removes: the unique index on event_id makes the same check during the INSERT, so a known id then
 * fails the statement with 23505 (nothing written), and a repeated append whose expected version
 * has gone stale fails with CE001 before reaching it; the store answers both by asking the batch
 * form, es_append, whose probe comes first and decides between a replay, CE002 and CE001.
 */
const ONE_ID_PROBE = `  SELECT e.position, e.version, e.stream_id, e.content_hash INTO v_known
    FROM es_events e WHERE e.event_id = p_id;
  IF FOUND THEN
    IF v_known.stream_id <> p_stream OR v_known.content_hash <> p_content_hash THEN
      RAISE EXCEPTION 'event id conflict' USING ERRCODE = 'CE002', DETAIL = p_id::text;
    END IF;
    out_position := v_known.position;
    out_version := v_known.version;
    out_replayed := true;
    RETURN NEXT;
    RETURN;
  END IF;

`;

/**
 * es_append_one: es_append for a single event, with the same results and errors (CE001 wrong
 * expected version, CE002 the id stored with other content or on another stream, CE003 tenant
 * mismatch; a repeated append of the same event answers its stored row, replayed).
 */
const APPEND_ONE = `
CREATE FUNCTION es_append_one(
  p_stream text, p_tenant text, p_expected text,
  p_id uuid, p_type text, p_data jsonb, p_metadata jsonb, p_content_hash text
) RETURNS TABLE (out_position bigint, out_version integer, out_replayed boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_version integer;
  v_head text;
  v_tenant text;
  v_exists boolean;
  v_now timestamptz := now();
  v_micros bigint := (extract(epoch FROM now()) * 1000000)::bigint;
  v_hash text;
  v_known record;
BEGIN
  -- The lock es_append takes: writers of one stream are serialized whichever function they call.
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 7321));

${ONE_ID_PROBE}${STREAM_HEAD_CHECK}
  v_version := v_version + 1;
  v_hash := encode(sha256(convert_to(
    v_head || '|' || p_stream || '|' || v_version || '|' || p_content_hash || '|' || v_micros, 'UTF8')), 'hex');
  INSERT INTO es_events (stream_id, version, tenant, event_id, type, data, metadata,
                         recorded_at, recorded_micros, content_hash, prev_hash, hash)
  VALUES (p_stream, v_version, p_tenant, p_id, p_type, p_data, p_metadata,
          v_now, v_micros, p_content_hash, v_head, v_hash)
  RETURNING position INTO out_position;

  IF v_exists THEN
    UPDATE es_streams SET version = v_version, head_hash = v_hash WHERE stream_id = p_stream;
  ELSE
    INSERT INTO es_streams (stream_id, tenant, version, head_hash) VALUES (p_stream, p_tenant, v_version, v_hash);
  END IF;
  out_version := v_version;
  out_replayed := false;
  RETURN NEXT;
END $fn$;
`;

const APPEND_ONE_UNPROBED = APPEND_ONE.replace(ONE_ID_PROBE, '')
  .replace('CREATE FUNCTION es_append_one(', 'CREATE OR REPLACE FUNCTION es_append_one(')
  .replace('  v_known record;\n', '');

export const EVENT_STORE_MIGRATIONS: SqlMigration[] = [
  {
    id: '0001_event_store',
    sql: `
CREATE TABLE es_streams (
  stream_id  text PRIMARY KEY,
  tenant     text NOT NULL,
  version    integer NOT NULL CHECK (version >= 0),
  head_hash  text NOT NULL
);

CREATE TABLE es_events (
  position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Id of the writing transaction: subscriptions read in (tx_id, position) order below the
  -- oldest transaction still running, so a late commit of a lower position is never skipped.
  tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  version         integer NOT NULL CHECK (version >= 1),
  tenant          text NOT NULL,
  event_id        uuid NOT NULL,
  type            text NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  recorded_at     timestamptz NOT NULL,
  recorded_micros bigint NOT NULL,
  content_hash    text NOT NULL,
  prev_hash       text NOT NULL,
  hash            text NOT NULL,
  CONSTRAINT es_events_event_id_key UNIQUE (event_id),
  CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, version)
);
CREATE INDEX es_events_commit_order ON es_events (tx_id, position);
CREATE INDEX es_events_tenant_position ON es_events (tenant, position);

-- Checkpoints of durable subscriptions.
CREATE TABLE es_checkpoints (
  name        text PRIMARY KEY,
  tx_id       xid8 NOT NULL,
  position    bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The global seal chain: every event, in commit order, extends one hash chain over the whole log.
CREATE TABLE es_seals (
  seq         bigint PRIMARY KEY,
  position    bigint NOT NULL UNIQUE,
  event_hash  text NOT NULL,
  seal_hash   text NOT NULL,
  sealed_at   timestamptz NOT NULL DEFAULT now()
);

-- Stored events and seals are immutable: UPDATE, DELETE and TRUNCATE are refused.
CREATE FUNCTION es_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'ciclo: % on % is not allowed: the event log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'CE010';
END $fn$;
CREATE TRIGGER es_events_immutable BEFORE UPDATE OR DELETE ON es_events
  FOR EACH ROW EXECUTE FUNCTION es_refuse_change();
CREATE TRIGGER es_events_no_truncate BEFORE TRUNCATE ON es_events
  FOR EACH STATEMENT EXECUTE FUNCTION es_refuse_change();
CREATE TRIGGER es_seals_immutable BEFORE UPDATE OR DELETE ON es_seals
  FOR EACH ROW EXECUTE FUNCTION es_refuse_change();
CREATE TRIGGER es_seals_no_truncate BEFORE TRUNCATE ON es_seals
  FOR EACH STATEMENT EXECUTE FUNCTION es_refuse_change();

-- Appends a batch to one stream in one round trip.
-- p_expected: 'any' | 'no_stream' | 'exists' | a decimal version.
-- Errors: CE001 wrong expected version (DETAIL: actual version, HINT: exists|missing),
--         CE002 event id stored with other content (DETAIL: the ids), CE003 tenant mismatch.
CREATE FUNCTION es_append(
  p_stream text, p_tenant text, p_expected text,
  p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_content_hashes text[]
) RETURNS TABLE (out_position bigint, out_version integer, out_replayed boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  n integer := array_length(p_ids, 1);
  v_found integer;
  v_conflicts text;
  v_version integer;
  v_head text;
  v_tenant text;
  v_exists boolean;
  v_now timestamptz := now();
  v_micros bigint := (extract(epoch FROM now()) * 1000000)::bigint;
  v_hash text;
  i integer;
BEGIN
  -- Serialize writers of this stream before the transaction takes an id, so a stream's later
  -- version always belongs to a later transaction id (subscriptions rely on it for per-stream order).
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 7321));

  SELECT count(*) INTO v_found FROM es_events WHERE event_id = ANY (p_ids);
  IF v_found > 0 THEN
    SELECT string_agg(x.id::text, ',') INTO v_conflicts
      FROM unnest(p_ids, p_content_hashes) AS x(id, h)
      LEFT JOIN es_events e ON e.event_id = x.id
     WHERE e.event_id IS NULL OR e.content_hash <> x.h OR e.stream_id <> p_stream;
    IF v_conflicts IS NOT NULL THEN
      RAISE EXCEPTION 'event id conflict' USING ERRCODE = 'CE002', DETAIL = v_conflicts;
    END IF;
    RETURN QUERY SELECT e.position, e.version, true FROM es_events e
      WHERE e.event_id = ANY (p_ids) ORDER BY e.version;
    RETURN;
  END IF;

${STREAM_HEAD_CHECK}
  FOR i IN 1 .. n LOOP
    v_version := v_version + 1;
    v_hash := encode(sha256(convert_to(
      v_head || '|' || p_stream || '|' || v_version || '|' || p_content_hashes[i] || '|' || v_micros, 'UTF8')), 'hex');
    INSERT INTO es_events (stream_id, version, tenant, event_id, type, data, metadata,
                           recorded_at, recorded_micros, content_hash, prev_hash, hash)
    VALUES (p_stream, v_version, p_tenant, p_ids[i], p_types[i], p_data[i], p_metadata[i],
            v_now, v_micros, p_content_hashes[i], v_head, v_hash)
    RETURNING position INTO out_position;
    out_version := v_version;
    out_replayed := false;
    RETURN NEXT;
    v_head := v_hash;
  END LOOP;

  IF v_exists THEN
    UPDATE es_streams SET version = v_version, head_hash = v_head WHERE stream_id = p_stream;
  ELSE
    INSERT INTO es_streams (stream_id, tenant, version, head_hash) VALUES (p_stream, p_tenant, v_version, v_head);
  END IF;
END $fn$;
`,
  },
  {
    // Same contract as 0001; a batch is written by one multi-row INSERT instead of one INSERT per
    // event (the per-statement cost dominated 100-event appends). The hashes are still chained in order.
    id: '0002_append_multirow',
    sql: APPEND_MULTIROW,
  },
  {
    // Older versions had the workflow layer index deliberations in the log (its migration 0101,
    // dropped by its 0102, both since removed): a store that still has the index loses it here.
    id: '0003_drop_deliberations_index',
    sql: `DROP INDEX IF EXISTS es_events_deliberations;`,
  },
  {
    // Same contract as 0002. The duplicate-id lookup joins the ids to the unique index instead of
    // 'event_id = ANY (p_ids)': a session that planned that lookup while es_events was small kept a
    // sequential scan, and 100-event appends after thousands of single ones ran at a fifth of their
    // speed (618 scans of the whole table in 10 s, pg_stat_user_tables).
    id: '0004_append_id_lookup_by_index',
    sql: APPEND_MULTIROW.replace(ANY_ID_LOOKUP, INDEXED_ID_LOOKUP),
  },
  {
    // es_append's contract for one event, which is what nearly every command appends: plain
    // parameters instead of arrays, one probe of the event id, one INSERT ... VALUES. The batch form
    // (a CTE over unnest, a count of the known ids) cost a single append about 320 µs of server CPU,
    // this one about 195 µs (docs/performance.md). Same stream lock, same hash formula.
    id: '0005_append_one',
    sql: APPEND_ONE,
  },
  {
    // es_append_one without its probe of the event id: the unique index checks it during the INSERT
    // anyway. A known id (a replay, or a conflict) now fails the call and the store asks es_append,
    // whose probe answers it; the common path saves one statement (docs/performance.md).
    id: '0006_append_one_unprobed',
    sql: APPEND_ONE_UNPROBED,
  },
];
