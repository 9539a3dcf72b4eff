import { randomUUID } from 'node:crypto';
import type { KnownDeliberation, Organ } from '@ciclo/domain';
import type { EventStore } from '@ciclo/event-store';

/**
 * The numbers of an organ's deliberations in a year, as a stream per tenant, organ and year
 * (`<tenant>/deliberations-<organ>-<year>`): each deliberation recorded by a cycle (or approving a
 * plan variation) first reserves its number there with the stream's version as the expected
 * version, so two simultaneous deliberations with one number on different cycles cannot both
 * succeed. Read and written through the event store's port only.
 */
export const deliberationStream = (tenant: string, organ: string, year: number) => `${tenant}/deliberations-${organ}-${year}`;

export const normaliseNumber = (n: string) => n.trim().toLowerCase();

export interface DeliberationRegisterState {
  /** Stream version (0: no number reserved yet). */
  version: number;
  entries: (KnownDeliberation & { reservedAt: string })[];
}

/**
 * A reservation younger than this counts even before its cycle records the deliberation: the
 * command that made it is still on its way (it reserves, then appends to the cycle).
 */
export const RESERVATION_GRACE_MS = 60_000;

export interface Reservation {
  tenant: string;
  organ: Organ;
  year: number;
  number: string;
  cycleId: string;
  actorId: string;
  actorRole: string;
  correlationId: string;
  /** When (default now). */
  at?: Date;
}

export class DeliberationRegister {
  constructor(private readonly store: EventStore) {}

  async read(tenant: string, organ: Organ, year: number): Promise<DeliberationRegisterState> {
    const events = await this.store.readStream(deliberationStream(tenant, organ, year));
    return {
      version: events.length ? events[events.length - 1].version : 0,
      entries: events
        .filter((e) => e.type === 'DeliberationNumberReserved')
        .map((e) => ({ organ, year, number: String(e.data.number), cycleId: String(e.data.cycleId), reservedAt: e.metadata.occurredAt })),
    };
  }

  /** Whether `cycleId` already holds the number (a repeated or retried command reserves nothing). */
  static holds(state: DeliberationRegisterState, cycleId: string, number: string): boolean {
    return state.entries.some((e) => e.cycleId === cycleId && normaliseNumber(e.number) === normaliseNumber(number));
  }

  /** Appends the reservation; throws the store's WrongExpectedVersion when another came first. */
  async reserve(r: Reservation, expectedVersion: number): Promise<void> {
    await this.store.append(
      deliberationStream(r.tenant, r.organ, r.year),
      [
        {
          eventId: randomUUID(),
          type: 'DeliberationNumberReserved',
          data: { organ: r.organ, year: r.year, number: r.number, cycleId: r.cycleId },
          metadata: {
            tenant: r.tenant,
            actorId: r.actorId,
            actorRole: r.actorRole,
            occurredAt: (r.at ?? new Date()).toISOString(),
            correlationId: r.correlationId,
            causationId: null,
            schemaVersion: 1,
          },
        },
      ],
      { expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion },
    );
  }
}

/** A deliberation a command is about to record: its organ, year and number. */
export interface DeliberationClaim {
  organ: Organ;
  year: number;
  number: string;
}

/** What a cycle records of its deliberations (its own and its plan's variations). */
export interface DeliberationsHeld {
  deliberations: readonly { organ: string; number: string; date: string }[];
  variations?: readonly { deliberation?: { organ: string; number: string; date: string } }[];
}

const same = (d: { organ: string; number: string; date: string }, c: DeliberationClaim) =>
  d.organ === c.organ && d.date.slice(0, 4) === String(c.year) && normaliseNumber(d.number) === normaliseNumber(c.number);

/** Whether a cycle really records the claimed deliberation (a reservation whose command then failed does not). */
export const holdsDeliberation = (held: DeliberationsHeld, c: DeliberationClaim): boolean =>
  held.deliberations.some((d) => same(d, c)) || (held.variations ?? []).some((v) => !!v.deliberation && same(v.deliberation, c));

/**
 * The register's entries for the claims, for the decider's duplicate-number rule: another
 * cycle's reservation of a claimed number counts while it is recent (its command may still be
 * appending) or when that cycle records the deliberation (`load` gives what it records), so a
 * reservation left by a command that failed afterwards stops blocking the number after
 * `RESERVATION_GRACE_MS`.
 */
export async function registeredDeliberations(
  register: DeliberationRegister,
  tenant: string,
  cycleId: string,
  claims: readonly DeliberationClaim[],
  load: (cycleId: string) => Promise<DeliberationsHeld | null>,
  now: Date = new Date(),
): Promise<{ known: KnownDeliberation[]; states: Map<DeliberationClaim, DeliberationRegisterState> }> {
  const known: KnownDeliberation[] = [];
  const states = new Map<DeliberationClaim, DeliberationRegisterState>();
  for (const claim of claims) {
    const state = await register.read(tenant, claim.organ, claim.year);
    states.set(claim, state);
    for (const e of state.entries) {
      if (e.cycleId === cycleId) continue;
      if (normaliseNumber(e.number) === normaliseNumber(claim.number) && now.getTime() - Date.parse(e.reservedAt) > RESERVATION_GRACE_MS) {
        const held = await load(e.cycleId);
        if (!held || !holdsDeliberation(held, claim)) continue;
      }
      known.push(e);
    }
  }
  return { known, states };
}

/** Reserves each claimed number not yet held by the cycle (throws WrongExpectedVersion on a race). */
export async function reserveDeliberations(
  register: DeliberationRegister,
  states: Map<DeliberationClaim, DeliberationRegisterState>,
  base: Omit<Reservation, 'organ' | 'year' | 'number'>,
): Promise<void> {
  for (const [claim, state] of states) {
    if (DeliberationRegister.holds(state, base.cycleId, claim.number)) continue;
    await register.reserve({ ...base, organ: claim.organ, year: claim.year, number: claim.number }, state.version);
  }
}

/**
 * Fills the register from the deliberations already in the log (a store written before the register
 * existed): every event with `kind: 'deliberation'` on a cycle stream reserves its number, unless
 * the register holds it. Reads the log through the port, in pages; idempotent.
 */
export async function backfillDeliberationRegister(
  store: EventStore,
  progress: (info: { read: number; reserved: number }) => void = () => undefined,
): Promise<{ read: number; reserved: number }> {
  const register = new DeliberationRegister(store);
  let read = 0;
  let reserved = 0;
  for (let from = 0; ; ) {
    const page = await store.readAll({ from, limit: 2000 });
    if (page.length === 0) break;
    for (const e of page) {
      const d = e.data as Record<string, unknown>;
      const fields = (d.fields ?? {}) as Record<string, unknown>;
      const m = /^(.+)\/cycle-(.+)$/.exec(e.streamId);
      if (!m || d.kind !== 'deliberation' || typeof d.organ !== 'string' || typeof fields.date !== 'string' || fields.number === undefined) continue;
      const claim = { organ: d.organ as Organ, year: Number(fields.date.slice(0, 4)), number: String(fields.number) };
      const state = await register.read(m[1], claim.organ, claim.year);
      if (state.entries.some((x) => normaliseNumber(x.number) === normaliseNumber(claim.number))) continue;
      await register.reserve(
        { tenant: m[1], ...claim, cycleId: m[2], actorId: e.metadata.actorId, actorRole: e.metadata.actorRole, correlationId: e.metadata.correlationId, at: new Date(e.metadata.occurredAt) },
        state.version,
      );
      reserved++;
    }
    read += page.length;
    from = page[page.length - 1].position + 1;
    progress({ read, reserved });
  }
  return { read, reserved };
}
