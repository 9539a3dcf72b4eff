import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { EventIdConflict, type ChainAnchor, type ChainVerification, type EventStore, type JsonObject, type NewEvent } from '@ciclo/event-store';

/** Roles that read the whole trail of their tenant; everyone else sees the cycles they acted in. */
export const AUDIT_FULL_ACCESS_ROLES: readonly string[] = ['rpct', 'oiv', 'admin'];
/** Where the results of the chain verification (nightly job, `ciclo audit verify --record`) are recorded. */
export const AUDIT_VERIFICATION_TENANT = 'ciclo';
export const AUDIT_VERIFICATION_STREAM = `${AUDIT_VERIFICATION_TENANT}/audit-verification`;
/** Each read of a tenant's trail (page, export, verification) is recorded in this stream. */
export const auditAccessStream = (tenant: string) => `${tenant}/audit-access`;

/** Who reads the trail: the authenticated actor and, when given, the role chosen to act in. */
export interface AuditViewer {
  tenant: string;
  userId: string;
  roles: readonly string[];
  actingRole?: string;
}

/** What the viewer may read, and the role that grants it (recorded as `actorRole` of the read). */
export interface AuditAccess {
  scope: 'tenant' | 'own_cycles';
  role: string;
}

/**
 * Access to the trail: RPCT, OIV and administrators read the whole trail of their tenant; anyone
 * else only the rows of the cycles in which they performed at least one event. With an acting
 * role (X-Acting-Role) that role alone decides. Returns null when the acting role is not held.
 */
export function auditAccessOf(viewer: AuditViewer): AuditAccess | null {
  if (viewer.actingRole !== undefined) {
    if (!viewer.roles.includes(viewer.actingRole)) return null;
    return { scope: AUDIT_FULL_ACCESS_ROLES.includes(viewer.actingRole) ? 'tenant' : 'own_cycles', role: viewer.actingRole };
  }
  const full = viewer.roles.find((r) => AUDIT_FULL_ACCESS_ROLES.includes(r));
  if (full) return { scope: 'tenant', role: full };
  return viewer.roles.length ? { scope: 'own_cycles', role: viewer.roles[0] } : null;
}

export interface AuditFilters {
  cycleId?: string;
  actorId?: string;
  /** The role the actor acted in (`actor_role`). */
  role?: string;
  /** Event type, e.g. `ApprovedBySecretaryGeneral`. */
  type?: string;
  /** Recorded at or after this instant (inclusive). */
  from?: Date;
  /** Recorded before this instant (exclusive). */
  to?: Date;
  /** Leave out the `AuditTrailRead` rows (who read the trail), so that reading does not crowd the rows read. */
  excludeReads?: boolean;
}

export type AuditOrder = 'asc' | 'desc';

/** One row of the trail. */
export interface AuditEntry {
  /** Global position of the event */
  position: number;
  /** Event id (UUID) */
  eventId: string;
  /** When the store recorded it (ISO 8601) */
  recordedAt: string;
  /** When the act happened (ISO 8601) */
  occurredAt: string;
  /** Tenant id */
  tenant: string;
  /** Stream the event belongs to */
  streamId: string;
  /** Cycle id, or null for events outside cycles */
  cycleId: string | null;
  /** Stream version of the event */
  version: number;
  /** Event type */
  type: string;
  /** Who acted */
  actorId: string;
  /** The role acted in */
  actorRole: string;
  /** Reason or note given, or null */
  reason: string | null;
  /** The request that caused it */
  correlationId: string;
  /** Italian sentence, e.g. "Il Segretario Generale ha approvato il PIAO 2027-2029". */
  summary: string;
  /** The event's hash in its stream's chain. */
  hash: string;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** The values present in a viewer's trail, for the filters. */
export interface AuditFacets {
  actorIds: string[];
  types: string[];
  cycles: { cycleId: string; title: string; cycleType: string; period: string }[];
}

/** The latest recorded `AuditChainVerified` event. */
export interface LastVerification {
  /** When (ISO 8601) */
  verifiedAt: string;
  /** Global position of the verification event */
  position: number;
  /** Who asked for it (`system` for the nightly check) */
  actorId: string;
  /** `manual`, `nightly`... */
  trigger: string | null;
  /** Whether the chain checked out */
  intact: boolean;
  /** Global position up to which the chain is intact */
  intactUpTo: number;
  /** Events checked */
  checkedEvents: number;
  /** The latest seal checked */
  headSeal: {
    /** Seal number */
    seq: number;
    /** Hash the seal signs */
    hash: string;
  } | null;
  /** The first event that failed, with the problem */
  firstBad: {
    /** Global position of the event */
    position: number;
    /** What fails (`event_modified`, `chain_broken`...) */
    problem: string;
    /** Detail */
    detail: string;
  } | null;
}

/** Too many rows for one export: narrow the filters. */
export class AuditExportTooLarge extends Error {
  constructor(
    readonly rows: number,
    readonly max: number,
  ) {
    super(`The export would hold ${rows} rows, more than ${max}: narrow the filters (cycle, time range...)`);
  }
}

/** Opaque cursor of a page: the order and the last position returned. */
export function encodeAuditCursor(order: AuditOrder, position: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: order, p: position })).toString('base64url');
}

/** The position a cursor continues after, or null when the cursor is malformed or of the other order. */
export function decodeAuditCursor(cursor: string, order: AuditOrder): number | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; o?: unknown; p?: unknown };
    if (c.v !== 1 || c.o !== order || typeof c.p !== 'number' || !Number.isSafeInteger(c.p) || c.p < 0) return null;
    return c.p;
  } catch {
    return null;
  }
}

/**
 * Replaces the names of other tenants' streams in a verification detail: the chain covers the
 * whole log, a tenant's reader must not learn another tenant's stream (and cycle) ids.
 */
export function redactForeignStreams(detail: string, tenant: string): string {
  return detail.replace(/\b([a-z0-9][a-z0-9_.-]{0,62})\/[A-Za-z0-9][A-Za-z0-9_.:-]*/g, (s, t: string) => (t === tenant ? s : "<another tenant's stream>"));
}

const COLUMNS = `a.position, a.event_id, a.recorded_at, a.occurred_at, a.tenant, a.stream_id, a.cycle_id, a.version, a.type,
  a.actor_id, a.actor_role, a.reason, a.correlation_id, a.summary, a.hash`;

interface AuditDbRow {
  position: string;
  event_id: string;
  recorded_at: Date;
  occurred_at: Date;
  tenant: string;
  stream_id: string;
  cycle_id: string | null;
  version: number;
  type: string;
  actor_id: string;
  actor_role: string;
  reason: string | null;
  correlation_id: string;
  summary: string;
  hash: string;
}

const toEntry = (r: AuditDbRow): AuditEntry => ({
  position: Number(r.position),
  eventId: r.event_id,
  recordedAt: r.recorded_at.toISOString(),
  occurredAt: r.occurred_at.toISOString(),
  tenant: r.tenant,
  streamId: r.stream_id,
  cycleId: r.cycle_id,
  version: r.version,
  type: r.type,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  reason: r.reason,
  correlationId: r.correlation_id,
  summary: r.summary,
  hash: r.hash,
});

/** The audit trail (`rm_audit`), always scoped to the viewer's tenant and access. */
export class AuditQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly store?: EventStore,
  ) {}

  /** One page by position (newest first with `desc`), continuing after `cursor`. */
  async page(viewer: AuditViewer, access: AuditAccess, filters: AuditFilters, o: { limit: number; order: AuditOrder; cursor?: string }): Promise<AuditPage> {
    const after = o.cursor === undefined ? null : decodeAuditCursor(o.cursor, o.order);
    if (o.cursor !== undefined && after === null) throw new Error('Malformed audit cursor');
    const rows = await this.select(this.ds.manager, viewer, access, filters, o.order, after, o.limit + 1);
    const more = rows.length > o.limit;
    const items = (more ? rows.slice(0, o.limit) : rows).map(toEntry);
    return { items, nextCursor: more ? encodeAuditCursor(o.order, items[items.length - 1].position) : null };
  }

  /**
   * Every matching row, read from one consistent snapshot (REPEATABLE READ); refuses with
   * `AuditExportTooLarge` when there are more than `max`.
   */
  async all(viewer: AuditViewer, access: AuditAccess, filters: AuditFilters, order: AuditOrder, max: number): Promise<AuditEntry[]> {
    return this.ds.transaction('REPEATABLE READ', async (m) => {
      const { sql, params } = this.where(viewer, access, filters);
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM rm_audit a WHERE ${sql}`, params)) as { n: number }[];
      if (n > max) throw new AuditExportTooLarge(n, max);
      const out: AuditEntry[] = [];
      let after: number | null = null;
      for (;;) {
        const rows = await this.select(m, viewer, access, filters, order, after, 5000);
        if (!rows.length) break;
        out.push(...rows.map(toEntry));
        after = Number(rows[rows.length - 1].position);
      }
      return out;
    });
  }

  /**
   * The latest `AuditChainVerified` event: found through the trail's projection of the
   * verification stream, then read from the event store (which holds the figures).
   */
  async lastVerification(tenant: string): Promise<LastVerification | null> {
    if (!this.store) return null;
    const rows = (await this.ds.query(`SELECT max(version) AS v FROM rm_audit WHERE tenant = $1 AND stream_id = $2`, [
      AUDIT_VERIFICATION_TENANT,
      AUDIT_VERIFICATION_STREAM,
    ])) as { v: number | null }[];
    const events = await this.store.readStream(AUDIT_VERIFICATION_STREAM, { fromVersion: rows[0]?.v ?? 1 });
    const e = events.filter((x) => x.type === 'AuditChainVerified').at(-1);
    if (!e) return null;
    const d = e.data as Record<string, unknown>;
    const bad = d.firstBad as { position: number; problem: string; detail: string } | undefined;
    return {
      verifiedAt: e.recordedAt.toISOString(),
      position: e.position,
      actorId: e.metadata.actorId,
      trigger: typeof d.trigger === 'string' ? d.trigger : null,
      intact: d.intact === true,
      intactUpTo: Number(d.intactUpTo ?? 0),
      checkedEvents: Number(d.checkedEvents ?? 0),
      headSeal: (d.headSeal as LastVerification['headSeal']) ?? null,
      firstBad: bad ? { ...bad, detail: redactForeignStreams(String(bad.detail), tenant) } : null,
    };
  }

  /**
   * What the filters can choose from, within the viewer's access: the people who acted, the event
   * types and the cycles present in the trail (no row is shown, so this is not recorded as a read).
   */
  async facets(viewer: AuditViewer, access: AuditAccess): Promise<AuditFacets> {
    const { sql, params } = this.where(viewer, access, {});
    const [actors, types, cycles] = await Promise.all([
      this.ds.query(`SELECT DISTINCT a.actor_id FROM rm_audit a WHERE ${sql} ORDER BY 1`, params) as Promise<{ actor_id: string }[]>,
      this.ds.query(`SELECT DISTINCT a.type FROM rm_audit a WHERE ${sql} ORDER BY 1`, params) as Promise<{ type: string }[]>,
      this.ds.query(
        `SELECT c.cycle_id, c.title, c.cycle_type, c.period FROM rm_audit_cycles c
          WHERE c.cycle_id IN (SELECT DISTINCT a.cycle_id FROM rm_audit a WHERE ${sql} AND a.cycle_id IS NOT NULL) ORDER BY c.title, c.cycle_id`,
        params,
      ) as Promise<{ cycle_id: string; title: string; cycle_type: string; period: string }[]>,
    ]);
    return {
      actorIds: actors.map((r) => r.actor_id),
      types: types.map((r) => r.type),
      cycles: cycles.map((r) => ({ cycleId: r.cycle_id, title: r.title, cycleType: r.cycle_type, period: r.period })),
    };
  }

  private where(viewer: AuditViewer, access: AuditAccess, f: AuditFilters): { sql: string; params: unknown[] } {
    const params: unknown[] = [viewer.tenant];
    const conds = ['a.tenant = $1'];
    const add = (cond: (p: string) => string, value: unknown) => {
      params.push(value);
      conds.push(cond(`$${params.length}`));
    };
    if (access.scope === 'own_cycles') {
      add((p) => `a.cycle_id IN (SELECT m.cycle_id FROM rm_audit m WHERE m.tenant = $1 AND m.actor_id = ${p} AND m.cycle_id IS NOT NULL)`, viewer.userId);
    }
    if (f.cycleId) add((p) => `a.cycle_id = ${p}::uuid`, f.cycleId);
    if (f.actorId) add((p) => `a.actor_id = ${p}`, f.actorId);
    if (f.role) add((p) => `a.actor_role = ${p}`, f.role);
    if (f.type) add((p) => `a.type = ${p}`, f.type);
    if (f.from) add((p) => `a.recorded_at >= ${p}::timestamptz`, f.from);
    if (f.to) add((p) => `a.recorded_at < ${p}::timestamptz`, f.to);
    if (f.excludeReads) conds.push(`a.type <> 'AuditTrailRead'`);
    return { sql: conds.join(' AND '), params };
  }

  private async select(
    m: EntityManager,
    viewer: AuditViewer,
    access: AuditAccess,
    f: AuditFilters,
    order: AuditOrder,
    after: number | null,
    limit: number,
  ): Promise<AuditDbRow[]> {
    const { sql, params } = this.where(viewer, access, f);
    let cond = sql;
    if (after !== null) {
      params.push(after);
      cond += ` AND a.position ${order === 'asc' ? '>' : '<'} $${params.length}::bigint`;
    }
    params.push(limit);
    return (await m.query(
      `SELECT ${COLUMNS} FROM rm_audit a WHERE ${cond} ORDER BY a.position ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
      params,
    )) as AuditDbRow[];
  }
}

const compact = (o: Record<string, unknown>): JsonObject =>
  JSON.parse(JSON.stringify(o, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v))) as JsonObject;

/** The `AuditTrailRead` event recording who read the trail, in which role, and what. */
export function auditTrailReadEvent(viewer: AuditViewer, access: AuditAccess, data: Record<string, unknown>, correlationId: string, now = new Date()): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'AuditTrailRead',
    data: compact({ ...data, scope: access.scope }),
    metadata: {
      tenant: viewer.tenant,
      actorId: viewer.userId,
      actorRole: access.role,
      occurredAt: now.toISOString(),
      correlationId,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

/** Appends `AuditTrailRead` to `<tenant>/audit-access`; returns its global position. */
export async function recordAuditRead(
  store: EventStore,
  viewer: AuditViewer,
  access: AuditAccess,
  data: Record<string, unknown>,
  correlationId: string,
): Promise<number> {
  const r = await store.append(auditAccessStream(viewer.tenant), [auditTrailReadEvent(viewer, access, data, correlationId)], { expectedVersion: 'any' });
  return r.positions[0];
}

/** The `AuditChainVerified` event for a verification result. */
export function chainVerifiedEvent(v: ChainVerification, trigger: 'nightly' | 'cli' | string, correlationId: string, now = new Date()): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'AuditChainVerified',
    data: compact({
      intact: v.intact,
      intactUpTo: v.intactUpTo,
      ...(v.firstBad ? { firstBad: v.firstBad } : {}),
      headSeal: v.headSeal,
      checkedEvents: v.checkedEvents,
      sealedEvents: v.sealedEvents,
      trigger,
    }),
    metadata: {
      tenant: AUDIT_VERIFICATION_TENANT,
      actorId: 'system',
      actorRole: 'system',
      occurredAt: now.toISOString(),
      correlationId,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

/**
 * The head seals the trail recorded itself: every intact `AuditChainVerified` names the seal at the
 * head of the chain it walked. A later rewrite that recomputes the seals disagrees with them.
 */
export async function recordedAnchors(store: EventStore): Promise<ChainAnchor[]> {
  const events = await store.readStream(AUDIT_VERIFICATION_STREAM);
  const anchors: ChainAnchor[] = [];
  for (const e of events) {
    if (e.type !== 'AuditChainVerified') continue;
    const d = e.data as { intact?: unknown; headSeal?: { seq?: unknown; hash?: unknown } | null };
    if (d.intact !== true || !d.headSeal || typeof d.headSeal.seq !== 'number' || typeof d.headSeal.hash !== 'string') continue;
    anchors.push({ seq: d.headSeal.seq, hash: d.headSeal.hash, source: `the verification recorded at position ${e.position}` });
  }
  return anchors;
}

/** `verifyChain` against the given anchors and every head seal the trail recorded itself. */
export async function verifyAnchoredChain(store: EventStore, anchors: readonly ChainAnchor[] = []): Promise<ChainVerification> {
  return store.verifyChain([...(await recordedAnchors(store)), ...anchors]);
}

/** A recorded `AuditChainVerified`: the verification, its global position, event id and time. */
export interface RecordedVerification {
  verification: ChainVerification;
  position: number;
  eventId: string;
  occurredAt: string;
  /** True when the event was already recorded (a retried job): `verification` is the recorded one. */
  replayed: boolean;
}

/**
 * Walks the whole hash chain (`verifyChain`) and records the result as `AuditChainVerified` in
 * `ciclo/audit-verification`: run by the nightly job and by `ciclo audit verify --record`. With an
 * `eventId` (the nightly job derives it from its job id) a repeated run records nothing more and
 * answers the verification recorded the first time.
 */
export async function recordChainVerification(
  store: EventStore,
  o: { trigger: 'nightly' | 'cli' | string; correlationId?: string; anchors?: readonly ChainAnchor[]; eventId?: string },
): Promise<RecordedVerification> {
  if (o.eventId) {
    const earlier = await recordedVerification(store, o.eventId);
    if (earlier) return earlier;
  }
  const verification = await verifyAnchoredChain(store, o.anchors);
  const event = chainVerifiedEvent(verification, o.trigger, o.correlationId ?? randomUUID());
  if (o.eventId) event.eventId = o.eventId;
  try {
    const r = await store.append(AUDIT_VERIFICATION_STREAM, [event], { expectedVersion: 'any' });
    if (r.replayed && o.eventId) return (await recordedVerification(store, o.eventId)) ?? { verification, position: r.positions[0], eventId: event.eventId, occurredAt: event.metadata.occurredAt, replayed: true };
    return { verification, position: r.positions[0], eventId: event.eventId, occurredAt: event.metadata.occurredAt, replayed: false };
  } catch (err) {
    // Recorded meanwhile by another run of the same job.
    const earlier = err instanceof EventIdConflict && o.eventId ? await recordedVerification(store, o.eventId) : null;
    if (earlier) return earlier;
    throw err;
  }
}

async function recordedVerification(store: EventStore, eventId: string): Promise<RecordedVerification | null> {
  const e = (await store.readStream(AUDIT_VERIFICATION_STREAM)).find((x) => x.eventId === eventId);
  if (!e) return null;
  const d = e.data as unknown as ChainVerification;
  return {
    verification: {
      intact: d.intact,
      intactUpTo: d.intactUpTo,
      ...(d.firstBad ? { firstBad: d.firstBad } : {}),
      headSeal: d.headSeal ?? null,
      checkedEvents: d.checkedEvents,
      sealedEvents: d.sealedEvents,
    },
    position: e.position,
    eventId: e.eventId,
    occurredAt: e.metadata.occurredAt,
    replayed: true,
  };
}

/**
 * The tenants of the trail (every tenant with at least one projected event), but the engine's own
 * (`ciclo`): those to which the nightly verification publishes an anchor. A skip scan of the
 * (tenant, position) index: one probe per tenant.
 */
export async function auditTenants(ds: DataSource): Promise<string[]> {
  const rows: { tenant: string }[] = await ds.query(
    `WITH RECURSIVE t AS (
       (SELECT tenant FROM rm_audit ORDER BY tenant LIMIT 1)
       UNION ALL
       SELECT (SELECT tenant FROM rm_audit WHERE tenant > t.tenant ORDER BY tenant LIMIT 1) FROM t WHERE t.tenant IS NOT NULL
     )
     SELECT tenant FROM t WHERE tenant IS NOT NULL AND tenant <> $1`,
    [AUDIT_VERIFICATION_TENANT],
  );
  return rows.map((r) => r.tenant);
}
