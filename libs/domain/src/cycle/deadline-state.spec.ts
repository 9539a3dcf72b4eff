/* eslint-disable no-restricted-imports */
// The deadline scheduler keeps thousands of cycles reduced by `deadlineState` and folds later
// events onto them. For random event sequences of every shipped definition, cut into random
// batches, the reduced fold must give the deadlines and the reminder plan the full fold gives.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { NO_TENANT_CALENDAR } from '../calendar';
import { parseCycleDefinition, type CycleDefinition } from '../definitions';
import { planReminders } from '../reminders';
import { cycleDeadlines, deadlineState } from './deadlines';
import { evolve, type FoldableEvent } from './evolve';
import { initialCycleState, type CycleState, type JsonRecord } from './model';

const DIR = join(__dirname, '..', '..', '..', '..', 'seeds', 'cycles');
const DEFS: CycleDefinition[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => parseCycleDefinition(readFileSync(join(DIR, f), 'utf8'), f));
const TIME_ZONE = 'Europe/Rome';
const START = Date.parse('2027-01-04T09:00:00Z');
const DAY = 86_400_000;

/** One step of a random history: what kind of event, and numbers to pick its details with. */
const step = fc.record({
  kind: fc.constantFrom('transition', 'transition', 'transition', 'comment', 'attach', 'move', 'switch', 'link', 'linkedEvent', 'linkedFrom', 'cancel'),
  a: fc.nat(1000),
  b: fc.nat(1000),
  days: fc.integer({ min: 0, max: 20 }),
});

function events(def: CycleDefinition, steps: { kind: string; a: number; b: number; days: number }[]): FoldableEvent[] {
  const out: FoldableEvent[] = [];
  let at = START;
  const push = (type: string, data: JsonRecord, days: number) => {
    at += days * DAY + 3_600_000;
    out.push({ type, data, actorId: `u-${out.length % 3}`, actorRole: 'po', occurredAt: new Date(at).toISOString(), version: out.length + 1, tenant: 't' });
  };
  const initial = def.stages[0].id;
  push('CycleOpened', { cycleId: 'c-1', cycleType: def.id, definitionVersion: def.version, year: 2027, periodLabel: '2027', title: 'Ciclo', stage: initial }, 0);
  let stage = initial;
  const laterOf = def.deadlines.filter((d) => d.rule.type === 'later_of');
  for (const s of steps) {
    const date = new Date(START + s.b * DAY).toISOString().slice(0, 10);
    switch (s.kind) {
      case 'transition': {
        const leaving = def.transitions.filter((t) => t.from.includes(stage));
        const t = (leaving.length ? leaving : def.transitions)[s.a % (leaving.length || def.transitions.length)];
        const fields: JsonRecord = t.kind === 'deliberation' ? { number: String(s.a), date, actHash: 'a'.repeat(64) } : { note: `n${s.b}` };
        push(t.event, { command: t.command, kind: t.kind, from: stage, to: t.to, fields, ...(t.organ ? { organ: t.organ } : {}) }, s.days);
        stage = t.to;
        break;
      }
      case 'comment':
        push('CommentAdded', { commentId: `k-${out.length}`, text: 'x'.repeat(s.b % 200) }, s.days);
        break;
      case 'attach':
        push('DocumentAttached', { documentId: `d-${out.length}`, name: 'atto.pdf', mediaType: 'application/pdf', size: s.b, sha256: 'b'.repeat(64) }, s.days);
        break;
      case 'move':
        push('DeadlineMoved', { deadlineId: def.deadlines[s.a % def.deadlines.length].id, fromDate: null, toDate: date, reason: 'r', reference: 'ref' }, s.days);
        break;
      case 'switch':
        if (laterOf.length) push('DeadlineRuleSwitched', { deadlineId: laterOf[s.a % laterOf.length].id, active: s.b % 2 === 0, reason: 'r', reference: 'ref' }, s.days);
        break;
      case 'link':
      case 'linkedEvent': {
        const d = laterOf[s.a % Math.max(1, laterOf.length)];
        if (!d || d.rule.type !== 'later_of') break;
        if (s.kind === 'link')
          push('CycleLinked', { linkId: d.rule.link, relation: 'r', targetType: 'x', targetCycleId: `c-${s.b}`, targetYear: 2027, targetPeriod: '2027', targetVersion: 1, mode: 'automatic' }, s.days);
        else push('LinkedEventRecorded', { linkId: d.rule.link, event: d.rule.event, date, targetVersion: s.b }, s.days);
        break;
      }
      case 'linkedFrom':
        push('CycleLinkedFrom', { linkId: 'l', relation: 'r', sourceType: 'x', sourceCycleId: `c-${s.b}`, sourceYear: 2027, sourceVersion: 1 }, s.days);
        break;
      case 'cancel':
        if (s.a % 4 === 0) push('CycleCancelled', { reason: 'r' }, s.days);
        break;
    }
  }
  return out;
}

const fold = (from: CycleState, list: readonly FoldableEvent[]) => list.reduce(evolve, from);

function seen(def: CycleDefinition, state: CycleState, now: Date) {
  return {
    deadlines: cycleDeadlines(state, def, now, { calendar: NO_TENANT_CALENDAR, timeZone: TIME_ZONE }),
    plan: planReminders(state, def, { now, calendar: NO_TENANT_CALENDAR }),
    version: state.version,
    stage: state.stage,
    status: state.status,
  };
}

describe('deadlineState', () => {
  it('folded on in batches, gives the deadlines and reminders of the full fold, for every definition', () => {
    fc.assert(
      fc.property(
        fc.nat(DEFS.length - 1),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 900 }),
        (d, steps, cuts, nowDays) => {
          const def = DEFS[d];
          const list = events(def, steps);
          const now = new Date(START + nowDays * DAY);
          let full = initialCycleState();
          let kept = initialCycleState();
          for (let i = 0, c = 0; i < list.length; c++) {
            const batch = list.slice(i, i + cuts[c % cuts.length]);
            i += batch.length;
            full = fold(full, batch);
            kept = deadlineState(fold(kept, batch));
            expect(seen(def, kept, now)).toEqual(seen(def, full, now));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps only the latest transition of each event type, and none of the comments, attachments, links, title or opener', () => {
    const def = DEFS.find((x) => x.id === 'piao')!;
    const steps = Array.from({ length: 30 }, (_, i) => ({ kind: ['transition', 'comment', 'attach', 'link', 'linkedFrom'][i % 5], a: i, b: 7 * i, days: 1 }));
    const full = fold(initialCycleState(), events(def, steps));
    const kept = deadlineState(full);
    expect(full.comments.length).toBeGreaterThan(0);
    expect(full.attachments.length).toBeGreaterThan(0);
    expect(Object.keys(full.links).length).toBeGreaterThan(0);
    expect(kept).toMatchObject({ comments: [], attachments: [], deliberations: [], links: {}, linkedFrom: [], fixedLinks: {}, lastActorByCommand: {} });
    expect(full.title).not.toBe('');
    expect(full.openedBy).not.toBe('');
    expect(kept).toMatchObject({ title: '', periodLabel: '', openedBy: '', lastSubmissionAt: null });
    expect(kept).toMatchObject({ cycleId: full.cycleId, tenant: full.tenant, stage: full.stage, version: full.version, openedAt: full.openedAt, stageReachedAt: full.stageReachedAt });
    const types = [...new Set(full.history.map((h) => h.type))];
    expect(kept.history.map((h) => h.type).sort()).toEqual(types.sort());
    for (const h of kept.history) {
      const last = full.history.findLast((x) => x.type === h.type)!;
      const read = { version: h.version, type: h.type, at: h.at, command: h.command, kind: h.kind, from: h.from, to: h.to, actorId: h.actorId, actorRole: h.actorRole, fields: h.fields };
      expect(read).toEqual({ version: last.version, type: last.type, at: last.at, command: '', kind: '', from: '', to: '', actorId: '', actorRole: '', fields: {} });
      // The empty fields come from one shared prototype: a record stores three.
      expect(Object.keys(h).sort()).toEqual(['at', 'type', 'version']);
    }
    expect(kept.history.length).toBeLessThan(full.history.length);
    expect(JSON.stringify(kept).length).toBeLessThan(JSON.stringify(full).length / 3);
  });

  it('shares its empty collections and reduced records between kept cycles, frozen', () => {
    const def = DEFS.find((x) => x.id === 'piao')!;
    const steps = Array.from({ length: 12 }, (_, i) => ({ kind: 'transition', a: i, b: 3 * i, days: 1 }));
    const a = deadlineState(fold(initialCycleState(), events(def, steps)));
    const b = deadlineState(fold(initialCycleState(), events(def, steps)));
    for (const k of ['comments', 'attachments', 'deliberations', 'linkedFrom', 'lastActorByCommand', 'links', 'fixedLinks', 'movedDeadlines', 'deadlineSwitches'] as const) {
      expect(a[k]).toBe(b[k]);
      expect(Object.isFrozen(a[k])).toBe(true);
    }
    expect(a.history[0].fields).toBe(b.history[1].fields);
    // Reduced again, a kept record is kept as it is.
    expect(deadlineState(a).history[0]).toBe(a.history[0]);
    // Its empty fields cannot be set: a change would reach every kept record.
    expect(() => {
      (a.history[0] as { command: string }).command = 'x';
    }).toThrow(TypeError);
  });
});
