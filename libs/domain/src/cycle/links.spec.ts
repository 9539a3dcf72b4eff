/* eslint-disable no-restricted-imports */
// Links between cycles: resolution, missing target, relink with a reason, the records on the target,
// the linked events and the switch of `later_of` deadlines (given / when / then).
import { NO_TENANT_CALENDAR } from '../calendar';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCycleDefinition, type CycleDefinition } from '../definitions';
import { planReminders } from '../reminders/plan';
import { cycleDeadlines } from './deadlines';
import { resolveLink } from './links';
import type { CycleCommand, LinkCandidate } from './model';
import { actor, commands, given, NOW as HARNESS_NOW, pathTo, sampleFields, TIME_ZONE, todayAt } from './testing';

const load = (id: string): CycleDefinition =>
  parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'), `${id}.v1.yaml`);
const relazione = load('relazione_performance');
const piao = load('piao');

const NOW = new Date('2028-03-10T09:00:00Z');
const candidate = (over: Partial<LinkCandidate>): LinkCandidate => ({
  cycleId: 'piao-2027',
  cycleType: 'piao',
  year: 2027,
  period: 'triennial',
  version: 9,
  status: 'open',
  openedAt: '2026-10-01T08:00:00.000Z',
  ...over,
});
const PIAO_2026 = candidate({ cycleId: 'piao-2026', year: 2026, openedAt: '2025-10-01T08:00:00.000Z' });
const PIAO_2027 = candidate({});
const PIAO_2029 = candidate({ cycleId: 'piao-2029', year: 2029 });
const PREVENTIVO_2028 = candidate({ cycleId: 'prev-2028', cycleType: 'preventivo_economico', year: 2028, period: 'annual' });

/** A Relazione 2028 just opened. */
const relazione2028 = () => given(relazione, ...given(relazione).when(commands.open(2028, 'rel-2028'), actor('po'), { now: NOW }).events);
const link = (over: Partial<Extract<CycleCommand, { type: 'link' }>> = {}): CycleCommand => ({
  type: 'link',
  linkId: 'piao',
  targetCycleId: 'piao-2026',
  reason: 'La Relazione rendiconta il PIAO 2026-2028, in vigore al 1° gennaio',
  ...over,
});

describe('resolving a link', () => {
  it('links the Relazione of 2028 to the PIAO whose span covers 2028, the latest starting, recording who, when and which version', () => {
    const out = relazione2028().when({ type: 'resolve_links' }, actor('po'), { now: NOW, linkCandidates: [PIAO_2026, PIAO_2027, PIAO_2029, PREVENTIVO_2028] });
    const [e] = out.then(['CycleLinked']);
    expect(e).toMatchObject({ actorId: 'u-po', actorRole: 'po', occurredAt: NOW.toISOString() });
    expect(e.data).toEqual({ linkId: 'piao', relation: 'reports_on', targetType: 'piao', targetCycleId: 'piao-2027', targetYear: 2027, targetPeriod: 'triennial', targetVersion: 9, mode: 'automatic' });
    expect(out.after.links.piao).toMatchObject({ targetCycleId: 'piao-2027', targetVersion: 9, mode: 'automatic', by: 'u-po', version: 2 });
    // Resolved links are not resolved again.
    given(relazione, ...out.history).when({ type: 'resolve_links' }, actor('po'), { now: NOW, linkCandidates: [PIAO_2027] }).then([]);
  });

  it('leaves a missing target missing: no PIAO covers the year, or only a cancelled one, or one of another tenant type', () => {
    const g = relazione2028();
    g.when({ type: 'resolve_links' }, actor('po'), { now: NOW, linkCandidates: [] }).then([]);
    g.when({ type: 'resolve_links' }, actor('po'), { now: NOW, linkCandidates: [PIAO_2029, candidate({ cycleId: 'piao-2025', year: 2025 })] }).then([]);
    g.when({ type: 'resolve_links' }, actor('po'), { now: NOW, linkCandidates: [candidate({ status: 'cancelled' }), PREVENTIVO_2028] }).then([]);
    expect(g.state.links).toEqual({});
  });

  it('prefers, for the same year, the cycle opened first (the budget rather than its later update)', () => {
    const update = candidate({ cycleId: 'prev-2027-agg', cycleType: 'preventivo_economico', year: 2027, period: 'annual', openedAt: '2027-06-01T08:00:00.000Z' });
    const budget = candidate({ cycleId: 'prev-2027', cycleType: 'preventivo_economico', year: 2027, period: 'annual', openedAt: '2026-09-01T08:00:00.000Z' });
    expect(resolveLink(piao.links[0], { cycleId: 'p', year: 2027 }, [update, budget, PREVENTIVO_2028])?.cycleId).toBe('prev-2027');
  });

  it('is refused on a cycle of another tenant or that does not exist', () => {
    relazione2028().when({ type: 'resolve_links' }, actor('po', { tenant: 'altra' }), { now: NOW, linkCandidates: [PIAO_2027] }).then('CYCLE_NOT_FOUND');
    given(relazione).when({ type: 'resolve_links' }, actor('po'), { now: NOW }).then('CYCLE_NOT_FOUND');
  });
});

describe('link: linking or relinking by command, with a reason', () => {
  const candidates = [PIAO_2026, PIAO_2027, PIAO_2029, PREVENTIVO_2028, candidate({ cycleId: 'piao-2028-annullato', year: 2028, status: 'cancelled' })];
  const linked = () => {
    const out = relazione2028().when({ type: 'resolve_links' }, actor('po'), { now: NOW, linkCandidates: candidates });
    return given(relazione, ...out.history);
  };

  it('relinks to another fitting cycle, naming the previous target and the reason', () => {
    const out = linked().when(link(), actor('segretario_generale'), { now: NOW, linkCandidates: candidates });
    const [e] = out.then(['CycleLinked']);
    expect(e.data).toMatchObject({ linkId: 'piao', targetCycleId: 'piao-2026', targetVersion: 9, mode: 'command', previousTargetCycleId: 'piao-2027', reason: expect.stringContaining('PIAO 2026-2028') });
    expect(out.after.links.piao).toMatchObject({ targetCycleId: 'piao-2026', mode: 'command', previousTargetCycleId: 'piao-2027' });
    // A link made by command on a cycle whose target was missing names no previous target.
    const first = relazione2028().when(link(), actor('po'), { now: NOW, linkCandidates: candidates }).then(['CycleLinked'])[0];
    expect(first.data.previousTargetCycleId).toBeUndefined();
  });

  it('refuses an unknown link, a missing reason, an unknown, foreign-typed, cancelled or unfitting target, the same target', () => {
    const g = linked();
    const opts = { now: NOW, linkCandidates: candidates };
    const by = actor('po');
    expect(g.when(link({ linkId: 'ptpct' }), by, opts).then('UNKNOWN_LINK')).toEqual([]);
    const noReason = g.when(link({ reason: '  ' }), by, opts);
    noReason.then('INVALID_FIELDS');
    expect(noReason.refusal?.fields).toEqual([{ field: 'reason', problem: 'must be 1 to 4000 characters' }]);
    g.when(link({ targetCycleId: 'nessuno' }), by, opts).then('LINK_TARGET_NOT_FOUND');
    g.when(link({ targetCycleId: 'rel-2028' }), by, opts).then('LINK_TARGET_NOT_FOUND');
    g.when(link({ targetCycleId: 'prev-2028' }), by, opts).then('LINK_TARGET_WRONG_TYPE');
    g.when(link({ targetCycleId: 'piao-2028-annullato' }), by, opts).then('LINK_TARGET_CANCELLED');
    const far = g.when(link({ targetCycleId: 'piao-2029' }), by, opts);
    far.then('LINK_TARGET_YEAR_MISMATCH');
    expect(far.refusal?.fields).toEqual([{ field: 'targetCycleId', problem: 'must be a cycle of a period covering 2028' }]);
    expect(far.refusal?.messageIt).toContain('il ciclo è del 2029');
    g.when(link({ targetCycleId: 'piao-2027' }), by, opts).then('LINK_UNCHANGED');
  });

  it('is for who may open or cancel the cycle, and admin; not on a closed cycle', () => {
    const g = linked();
    const opts = { now: NOW, linkCandidates: candidates };
    g.when(link(), actor('admin'), opts).then(['CycleLinked']);
    g.when(link(), actor('oiv'), opts).then('ROLE_NOT_ALLOWED');
    g.when(link(), actor('rilevatore'), opts).then('ROLE_NOT_ALLOWED');
    const cancelled = given(relazione, ...g.events, ...g.when(commands.cancel(), actor('segretario_generale'), opts).events);
    cancelled.when(link(), actor('po'), opts).then('CYCLE_CLOSED');
  });
});

describe('the record on the target', () => {
  const piaoPath = pathTo(piao, 'trasmesso', { year: 2027 });
  const from = (over: Partial<Extract<CycleCommand, { type: 'record_linked_from' }>> = {}): CycleCommand => ({
    type: 'record_linked_from',
    linkId: 'piao',
    relation: 'reports_on',
    sourceType: 'relazione_performance',
    sourceCycleId: 'rel-2028',
    sourceYear: 2028,
    sourceVersion: 2,
    ...over,
  });

  it('is kept even on a closed PIAO, and withdrawn when the source relinks elsewhere', () => {
    const g = given(piao, ...piaoPath.events);
    const out = g.when(from(), actor('po'), { now: NOW });
    expect(out.then(['CycleLinkedFrom'])[0].data).toEqual({ linkId: 'piao', relation: 'reports_on', sourceType: 'relazione_performance', sourceCycleId: 'rel-2028', sourceYear: 2028, sourceVersion: 2 });
    expect(out.after.linkedFrom).toEqual([expect.objectContaining({ sourceCycleId: 'rel-2028', relation: 'reports_on', by: 'u-po' })]);
    const withdrawn = given(piao, ...out.history).when(from({ withdrawn: true, sourceVersion: 5 }), actor('segretario_generale'), { now: NOW });
    withdrawn.then(['CycleUnlinkedFrom']);
    expect(withdrawn.after.linkedFrom).toEqual([]);
    // Nothing to withdraw: nothing written.
    g.when(from({ withdrawn: true }), actor('po'), { now: NOW }).then([]);
  });
});

describe('deadlines that follow a linked cycle: the PIAO 2027 and the Preventivo economico 2027', () => {
  const at = new Date('2027-01-10T09:00:00Z');
  const opened = given(piao, ...given(piao).when(commands.open(2027, 'piao-2027'), actor('po'), { now: at }).events);
  const PREV = candidate({ cycleId: 'prev-2027', cycleType: 'preventivo_economico', year: 2027, period: 'annual', version: 4 });
  const linked = opened.when({ type: 'resolve_links' }, actor('po'), { now: at, linkCandidates: [PREV] });
  const switchOn = (active = true): CycleCommand => ({
    type: 'switch_deadline_rule',
    deadlineId: 'adozione',
    active,
    reason: 'Termine di approvazione del bilancio differito per legge',
    reference: 'DM 132/2022 art. 8 c. 2; DL 202/2026 art. 3',
  });
  const approved = (date: string, targetVersion = 8): CycleCommand => ({ type: 'record_linked_event', linkId: 'preventivo', targetCycleId: 'prev-2027', event: 'ConsiglioDeliberationRecorded', date, targetVersion });
  const adozione = (history: Parameters<typeof given>[1][], now = at) => cycleDeadlines(given(piao, ...history).state, piao, now, { timeZone: TIME_ZONE, calendar: NO_TENANT_CALENDAR }).find((d) => d.id === 'adozione');

  it('without the postponement: 31 January, whatever the budget', () => {
    linked.then(['CycleLinked']);
    const out = given(piao, ...linked.history).when(approved('2027-02-25'), actor('segreteria_organi'), { now: at });
    out.then(['LinkedEventRecorded']);
    expect(adozione(out.history)).toMatchObject({ legalDate: '2027-01-31', effectiveDate: '2027-02-01', follows: { link: 'preventivo', active: false, eventDate: '2027-02-25' } });
  });

  it('with the postponement on: 30 days after the Consiglio approves the budget (25 February gives Saturday 27 March, kept)', () => {
    const on = given(piao, ...linked.history).when(switchOn(), actor('segretario_generale'), { now: at });
    expect(on.then(['DeadlineRuleSwitched'])[0].data).toEqual({ deadlineId: 'adozione', active: true, reason: 'Termine di approvazione del bilancio differito per legge', reference: 'DM 132/2022 art. 8 c. 2; DL 202/2026 art. 3' });
    // Postponed and the budget not yet approved: the date is unknown, not guessed.
    expect(adozione(on.history)).toMatchObject({ legalDate: null, status: 'unscheduled', follows: { active: true, eventDate: null, switchedOn: { reference: expect.stringContaining('DM 132/2022') } } });
    const feb25 = given(piao, ...on.history).when(approved('2027-02-25'), actor('segreteria_organi'), { now: at });
    expect(adozione(feb25.history)).toMatchObject({ legalDate: '2027-03-27', effectiveDate: '2027-03-27', moved: false, status: 'future' });
    const mar1 = given(piao, ...on.history).when(approved('2027-03-01'), actor('segreteria_organi'), { now: at });
    expect(adozione(mar1.history)).toMatchObject({ legalDate: '2027-03-31', effectiveDate: '2027-03-31' });
    // A budget approved early still leaves 31 January: the later of the two dates.
    const dec = given(piao, ...on.history).when(approved('2026-12-20'), actor('segreteria_organi'), { now: at });
    expect(adozione(dec.history)?.legalDate).toBe('2027-01-31');
    // Turned off again: back to the calendar date.
    const off = given(piao, ...feb25.history).when(switchOn(false), actor('admin'), { now: at });
    off.then(['DeadlineRuleSwitched']);
    expect(adozione(off.history)?.legalDate).toBe('2027-01-31');
  });

  it('reminders follow the date: planned against 27 March once the budget is approved with the postponement on', () => {
    const before = planReminders(given(piao, ...linked.history).state, piao, { now: at, calendar: NO_TENANT_CALENDAR }).filter((r) => r.deadlineId === 'adozione');
    expect(new Set(before.map((r) => r.legalDate))).toEqual(new Set(['2027-01-31']));
    const on = given(piao, ...linked.history).when(switchOn(), actor('segretario_generale'), { now: at });
    expect(planReminders(given(piao, ...on.history).state, piao, { now: at, calendar: NO_TENANT_CALENDAR }).filter((r) => r.deadlineId === 'adozione')).toEqual([]);
    const feb25 = given(piao, ...on.history).when(approved('2027-02-25'), actor('segreteria_organi'), { now: at });
    const after = planReminders(given(piao, ...feb25.history).state, piao, { now: at, calendar: NO_TENANT_CALENDAR }).filter((r) => r.deadlineId === 'adozione');
    expect(after.map((r) => [r.legalDate, r.offset, r.date])).toEqual([
      ['2027-03-27', 30, '2027-02-25'],
      ['2027-03-27', 15, '2027-03-12'],
      ['2027-03-27', 7, '2027-03-20'],
      ['2027-03-27', 1, '2027-03-26'],
      ['2027-03-27', 0, '2027-03-27'],
      ['2027-03-27', -7, '2027-04-03'],
    ]);
  });

  it('a relink forgets the events of the previous target; an older event is not recorded over a newer one', () => {
    const on = given(piao, ...linked.history, ...given(piao, ...linked.history).when(switchOn(), actor('segretario_generale'), { now: at }).events);
    const rec = given(piao, ...on.events, ...on.when(approved('2027-03-01', 8), actor('po'), { now: at }).events);
    rec.when(approved('2027-02-20', 7), actor('po'), { now: at }).then([]);
    const other = candidate({ cycleId: 'prev-2027-b', cycleType: 'preventivo_economico', year: 2027, period: 'annual' });
    const relinked = rec.when({ type: 'link', linkId: 'preventivo', targetCycleId: 'prev-2027-b', reason: 'Il preventivo corretto è il secondo' }, actor('segretario_generale'), { now: at, linkCandidates: [PREV, other] });
    relinked.then(['CycleLinked']);
    expect(adozione(relinked.history)?.legalDate).toBeNull();
    // An event of a cycle the link does not name is refused.
    given(piao, ...relinked.history).when(approved('2027-03-01', 9), actor('po'), { now: at }).then('LINK_NOT_RESOLVED');
  });

  it('refuses the switch on a deadline without one, without reason or reference, when unchanged, after the deadline is met, to other roles', () => {
    const g = given(piao, ...linked.history);
    g.when({ ...switchOn(), deadlineId: 'pubblicazione' } as CycleCommand, actor('segretario_generale'), { now: at }).then('UNKNOWN_DEADLINE');
    const bad = g.when({ ...switchOn(), reason: '', reference: ' ' } as CycleCommand, actor('segretario_generale'), { now: at });
    bad.then('INVALID_FIELDS');
    expect(bad.refusal?.fields.map((f) => f.field)).toEqual(['reason', 'reference']);
    g.when(switchOn(false), actor('segretario_generale'), { now: at }).then('INVALID_FIELDS');
    g.when(switchOn(), actor('po'), { now: at }).then('ROLE_NOT_ALLOWED');
    const adopted = pathTo(piao, 'adottato', { year: 2027 });
    given(piao, ...adopted.events).when(switchOn(), actor('segretario_generale'), { now: new Date('2027-01-20T09:00:00Z') }).then('DEADLINE_ALREADY_MET');
  });
});

describe('the Giunta approving the Relazione fixes the PIAO version it approved', () => {
  const path = pathTo(relazione, 'in_giunta', { year: 2026 });
  const [opened, ...rest] = path.events;
  const linkedEvent = given(relazione, opened).when({ type: 'resolve_links' }, actor('po'), { now: HARNESS_NOW, linkCandidates: [PIAO_2026] }).events[0];
  const deliberation = relazione.transitions.find((t) => t.command === 'record_giunta_deliberation');
  if (!deliberation) throw new Error('no deliberation');
  const approve = commands.transition('record_giunta_deliberation', sampleFields(deliberation, todayAt(HARNESS_NOW)));

  it('records the linked PIAO stream version on the deliberation event', () => {
    const out = given(relazione, opened, linkedEvent, ...rest).when(approve, actor('segreteria_organi'), { now: HARNESS_NOW, linkedVersions: { piao: 42 } });
    const [e] = out.then(['GiuntaDeliberationRecorded']);
    expect(e.data.linkedVersions).toEqual({ piao: 42 });
    expect(out.after.fixedLinks.piao).toMatchObject({ targetCycleId: 'piao-2026', targetVersion: 42, event: 'GiuntaDeliberationRecorded', version: out.after.version });
  });

  it('records nothing when the link is missing or its version was not read', () => {
    const unlinked = given(relazione, ...path.events).when(approve, actor('segreteria_organi'), { now: HARNESS_NOW, linkedVersions: { piao: 42 } });
    expect(unlinked.then(['GiuntaDeliberationRecorded'])[0].data.linkedVersions).toBeUndefined();
    expect(unlinked.after.fixedLinks).toEqual({});
    const unread = given(relazione, opened, linkedEvent, ...rest).when(approve, actor('segreteria_organi'), { now: HARNESS_NOW });
    expect(unread.then(['GiuntaDeliberationRecorded'])[0].data.linkedVersions).toBeUndefined();
  });
});
