/* eslint-disable no-restricted-imports */
// The rule failures found by trying the engine: independence by person (B1), act dates (B3), moved
// deadlines (B4) and per-transition enum restrictions (B5). Given/when/then on the shipped definitions.
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCycleDefinition, type CycleDefinition, type Role } from '../definitions';
import { availableCommands } from './decide';
import type { DomainRefusal } from './errors';
import type { ActorContext, CycleCommand, JsonRecord } from './model';
import { actor, commands, given, NOW, pathTo, sampleFields, todayAt, type Given } from './testing';

const load = (id: string): CycleDefinition =>
  parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'), `${id}.v1.yaml`);
const relazione = load('relazione_performance');
const smvp = load('smvp');
const piao = load('piao');
const rpct = load('relazione_rpct');

const TODAY = todayAt(NOW);
const t = (def: CycleDefinition, command: string) => def.transitions.find((x) => x.command === command)!;
const run = (def: CycleDefinition, command: string, over: JsonRecord = {}): CycleCommand =>
  commands.transition(command, sampleFields(t(def, command), TODAY, over));
const refusal = (g: Given, c: CycleCommand, by: ActorContext, now = NOW): DomainRefusal => {
  const out = g.when(c, by, { now });
  if (!out.refusal) throw new Error(`expected a refusal, got ${out.events.map((e) => e.type).join(', ')}`);
  return out.refusal;
};

describe('B1: independence by person (validation and refusal)', () => {
  /** One person holding po, segreteria_organi and oiv. */
  const everything = actor(['po', 'segreteria_organi', 'oiv'], { userId: 'u-tuttofare' });

  it('who opened, submitted and recorded the deliberation cannot validate or refuse as OIV', () => {
    const path = pathTo(relazione, 'approvata', {
      prefer: { close_measurements: everything, submit: everything, record_giunta_deliberation: everything },
    });
    // The path really was walked by one person.
    expect(path.steps.filter((s) => s.command.type === 'transition').map((s) => s.actor.userId)).toEqual([
      'u-tuttofare',
      'u-tuttofare',
      'u-tuttofare',
    ]);
    const g = given(relazione, ...path.events);
    for (const command of ['validate', 'refuse_validation']) {
      const r = refusal(g, run(relazione, command), everything);
      expect(r.code).toBe('INDEPENDENCE_REQUIRED');
      expect(r.category).toBe('unprocessable');
      expect(r.messageIt).toMatch(/^Serve un soggetto indipendente/);
      expect(availableCommands(g.state, { actor: everything, now: NOW, definition: relazione })).not.toContain(command);
    }
    // The independent OIV may.
    g.when(run(relazione, 'validate'), actor('oiv'), { now: NOW }).then(['ValidatedByOiv']);
    expect(availableCommands(g.state, { actor: actor('oiv'), now: NOW, definition: relazione })).toEqual(
      expect.arrayContaining(['validate', 'refuse_validation']),
    );
  });

  it.each([
    ['opened the cycle (drafted it)', 'open'],
    ['closed the measurements', 'close_measurements'],
    ['submitted it', 'submit'],
    ['recorded the Giunta deliberation', 'record_giunta_deliberation'],
  ])('one step is enough: who %s cannot validate', (_what, step) => {
    const roleFor: Record<string, Role> = { open: 'po', close_measurements: 'po', submit: 'po', record_giunta_deliberation: 'segreteria_organi' };
    const person = actor([roleFor[step], 'oiv'], { userId: `u-${step}` });
    const g = given(relazione, ...(step === 'open' ? openedBy(person) : pathTo(relazione, 'approvata', { prefer: { [step]: person } }).events));
    const r = refusal(g, run(relazione, 'validate'), person, NOW);
    expect(r.code).toBe('INDEPENDENCE_REQUIRED');
    expect(r.detail).toContain(`"${step}"`);
  });

  /** A Relazione opened by `person`, then taken to `approvata` by others. */
  function openedBy(person: ActorContext) {
    const opened = given(relazione).when(commands.open(), person, { now: NOW }).then(['CycleOpened']);
    let g = given(relazione, ...opened);
    for (const [command, by] of [
      ['close_measurements', actor('struttura_tecnica')],
      ['submit', actor('segretario_generale')],
      ['record_giunta_deliberation', actor('segreteria_organi')],
    ] as const) {
      const events = g.when(run(relazione, command, command === 'record_giunta_deliberation' ? { number: '1/2027' } : {}), by, { now: NOW }).then([t(relazione, command).event]);
      g = given(relazione, ...g.events, ...events);
    }
    expect(g.state.stage).toBe('approvata');
    return g.events;
  }

  it('commenting or attaching does not make the OIV dependent', () => {
    const oiv = actor('oiv');
    const path = pathTo(relazione, 'approvata');
    const commented = given(relazione, ...path.events).when(commands.comment(), oiv, { now: NOW }).then(['CommentAdded']);
    const attached = given(relazione, ...path.events, ...commented).when(commands.attach(2), oiv, { now: NOW }).then(['DocumentAttached']);
    given(relazione, ...path.events, ...commented, ...attached)
      .when(run(relazione, 'validate'), oiv, { now: NOW })
      .then(['ValidatedByOiv']);
  });

  it("the SMVP opinion: the Segretario Generale who asked for it cannot give it as OIV", () => {
    const sgOiv = actor(['segretario_generale', 'oiv'], { userId: 'u-sg-oiv' });
    const g = given(smvp, ...pathTo(smvp, 'parere_oiv', { prefer: { request_opinion: sgOiv } }).events);
    expect(refusal(g, run(smvp, 'give_opinion'), sgOiv).code).toBe('INDEPENDENCE_REQUIRED');
    expect(refusal(g, run(smvp, 'give_negative_opinion'), sgOiv).code).toBe('INDEPENDENCE_REQUIRED');
    g.when(run(smvp, 'give_opinion'), actor('oiv'), { now: NOW }).then(['OivOpinionGiven']);
  });

  it('a definition may declare independence on any transition, by command', () => {
    const strict: CycleDefinition = {
      ...piao,
      transitions: piao.transitions.map((x) =>
        x.command === 'publish' ? { ...x, rules: [...x.rules, { type: 'independent_of', kinds: [], commands: ['approve'] }] } : x,
      ),
    };
    const sgPo = actor(['segretario_generale', 'po'], { userId: 'u-sg-po' });
    const g = given(strict, ...pathTo(strict, 'adottato', { prefer: { approve: sgPo } }).events);
    expect(g.state.lastActorByCommand.approve).toBe('u-sg-po');
    expect(refusal(g, run(strict, 'publish'), sgPo).code).toBe('INDEPENDENCE_REQUIRED');
    g.when(run(strict, 'publish'), actor('po'), { now: NOW }).then(['PublishedOnWebsite']);
    // The shipped PIAO declares no such rule: the same person may publish.
    given(piao, ...pathTo(piao, 'adottato', { prefer: { approve: sgPo } }).events)
      .when(run(piao, 'publish'), sgPo, { now: NOW })
      .then(['PublishedOnWebsite']);
  });
});

describe('B3: act dates', () => {
  /** A Relazione 2026 approved by the Giunta: submitted on 5 January 2027, deliberated on 10 January, recorded on the 15th. */
  function approved2026(): Given {
    const early = new Date('2027-01-05T10:00:00Z');
    const inGiunta = pathTo(relazione, 'in_giunta', { year: 2026, now: early });
    const delib = given(relazione, ...inGiunta.events)
      .when(run(relazione, 'record_giunta_deliberation', { number: '7/2027', date: '2027-01-10' }), actor('segreteria_organi'), { now: NOW })
      .then(['GiuntaDeliberationRecorded']);
    return given(relazione, ...inGiunta.events, ...delib);
  }

  it('an OIV validation dated 2020-01-15 for the Relazione 2026 is refused: before the period', () => {
    const r = refusal(approved2026(), run(relazione, 'validate', { date: '2020-01-15' }), actor('oiv'));
    expect(r.code).toBe('ACT_DATE_BEFORE_PERIOD');
    expect(r.fields).toEqual([{ field: 'date', problem: 'must not be before 2025-01-01' }]);
    expect(r.messageIt).toContain('campo date: il 15/01/2020 è anteriore al 01/01/2025');
  });

  it('a validation dated before the Giunta deliberation it follows is refused; on or after it, accepted', () => {
    const g = approved2026();
    const r = refusal(g, run(relazione, 'validate', { date: '2027-01-09' }), actor('oiv'));
    expect(r.code).toBe('ACT_DATE_BEFORE_PREVIOUS_STEP');
    expect(r.fields).toEqual([{ field: 'date', problem: 'must not be before 2027-01-10' }]);
    expect(r.messageIt).toContain('campo date: il 09/01/2027');
    expect(r.messageIt).toContain('Registra la deliberazione di approvazione della Giunta');
    // The act's own date counts, not the day it was recorded (15 January).
    g.when(run(relazione, 'validate', { date: '2027-01-10' }), actor('oiv'), { now: NOW }).then(['ValidatedByOiv']);
    g.when(run(relazione, 'validate', { date: '2027-01-12' }), actor('oiv'), { now: NOW }).then(['ValidatedByOiv']);
    expect(refusal(g, run(relazione, 'validate', { date: '2027-01-16' }), actor('oiv')).code).toBe('DATE_IN_FUTURE');
  });

  it('publication and transmission follow the step before them', () => {
    const adopted = pathTo(piao, 'adottato');
    const g = given(piao, ...adopted.events);
    const yesterday = '2027-01-14';
    expect(refusal(g, run(piao, 'publish', { date: yesterday }), actor('po')).code).toBe('ACT_DATE_BEFORE_PREVIOUS_STEP');
    const published = g.when(run(piao, 'publish', { date: TODAY }), actor('po'), { now: NOW }).then(['PublishedOnWebsite']);
    const p = given(piao, ...adopted.events, ...published);
    const later = new Date('2027-01-20T10:00:00Z');
    expect(refusal(p, run(piao, 'upload_to_portal', { date: yesterday }), actor('po'), later).code).toBe('ACT_DATE_BEFORE_PREVIOUS_STEP');
    p.when(run(piao, 'upload_to_portal', { date: '2027-01-18' }), actor('po'), { now: later }).then(['UploadedToPiaoPortal']);
  });

  it('the earliest date is 1 January of the year before the cycle: a PIAO 2027-2029 may be deliberated in 2026', () => {
    const december = new Date('2026-12-20T10:00:00Z');
    const g = given(piao, ...pathTo(piao, 'in_giunta', { now: december }).events);
    g.when(run(piao, 'record_giunta_deliberation', { date: '2026-12-22', number: '3/2026' }), actor('segreteria_organi'), { now: new Date('2026-12-28T10:00:00Z') }).then([
      'GiuntaDeliberationRecorded',
    ]);
  });
});

describe('B4: a moved deadline must be plausible for the cycle', () => {
  const move = (deadlineId: string, newDate: string): CycleCommand => ({
    type: 'move_deadline',
    deadlineId,
    newDate,
    reason: 'Differimento',
    reference: 'Comunicato ANAC',
  });

  it('1999-03-31 is refused, naming newDate and the allowed range', () => {
    const g = given(rpct, ...pathTo(rpct, rpct.initialStage).events);
    const r = refusal(g, move('pubblicazione', '1999-03-31'), actor('rpct'));
    expect(r.code).toBe('DEADLINE_DATE_IMPLAUSIBLE');
    expect(r.fields).toEqual([{ field: 'newDate', problem: 'must be between 2026-12-14 and 2028-12-15' }]);
    expect(r.messageIt).toContain('campo newDate: il 31/03/1999');
    expect(r.messageIt).toContain('tra il 14/12/2026 e il 15/12/2028');
  });

  it('within 366 days of the rule date, either way: the bounds are accepted, one day beyond is refused', () => {
    const g = given(rpct, ...pathTo(rpct, rpct.initialStage).events);
    for (const ok of ['2026-12-14', '2028-12-15', '2028-01-31']) g.when(move('pubblicazione', ok), actor('rpct'), { now: NOW }).then(['DeadlineMoved']);
    for (const bad of ['2026-12-13', '2028-12-16']) expect(refusal(g, move('pubblicazione', bad), actor('rpct')).code).toBe('DEADLINE_DATE_IMPLAUSIBLE');
  });

  it('a second move is measured from the rule date, not from the first move', () => {
    const g = given(rpct, ...pathTo(rpct, rpct.initialStage).events);
    const first = g.when(move('pubblicazione', '2028-12-01'), actor('rpct'), { now: NOW }).then(['DeadlineMoved']);
    const again = given(rpct, ...g.events, ...first);
    expect(refusal(again, move('pubblicazione', '2029-06-30'), actor('rpct')).code).toBe('DEADLINE_DATE_IMPLAUSIBLE');
  });

  it('without a rule date (rule none): from 1 January of the year before to 31 December after the period', () => {
    const g = given(smvp, ...pathTo(smvp, smvp.initialStage).events);
    const sg = actor('segretario_generale');
    g.when(move('aggiornamento', '2026-01-01'), sg, { now: NOW }).then(['DeadlineMoved']);
    g.when(move('aggiornamento', '2028-12-31'), sg, { now: NOW }).then(['DeadlineMoved']);
    expect(refusal(g, move('aggiornamento', '2025-12-31'), sg).code).toBe('DEADLINE_DATE_IMPLAUSIBLE');
    expect(refusal(g, move('aggiornamento', '2029-01-01'), sg).code).toBe('DEADLINE_DATE_IMPLAUSIBLE');
  });
});

describe('B5: per-transition restriction of enum fields', () => {
  it("the PIAO's upload_to_portal accepts only funzione_pubblica as recipient", () => {
    const g = given(piao, ...pathTo(piao, 'pubblicato').events);
    const r = refusal(g, run(piao, 'upload_to_portal', { recipient: 'anac' }), actor('po'));
    expect(r.code).toBe('INVALID_FIELDS');
    expect(r.fields).toEqual([{ field: 'recipient', problem: 'must be one of: funzione_pubblica' }]);
    g.when(run(piao, 'upload_to_portal', { recipient: 'funzione_pubblica' }), actor('po'), { now: NOW }).then(['UploadedToPiaoPortal']);
  });

  it('publication in Amministrazione trasparente refuses another channel', () => {
    const g = given(piao, ...pathTo(piao, 'adottato').events);
    expect(refusal(g, run(piao, 'publish', { channel: 'albo_camerale' }), actor('po')).fields).toEqual([
      { field: 'channel', problem: 'must be one of: amministrazione_trasparente' },
    ]);
  });
});
