/* eslint-disable no-restricted-imports */
// The OIV attestation's survey grid: rows set and removed through the decider in the drafting stage
// only, their refusals, and independence: whoever edited a row cannot attest or send back.
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCycleDefinition } from '../definitions';
import type { DomainRefusal } from '../cycle/errors';
import type { FoldableEvent } from '../cycle/evolve';
import type { ActorContext, DomainEvent } from '../cycle/model';
import { actor, commands, given, NOW, pathTo, TENANT, todayAt } from '../cycle/testing';
import { decideAttestationGrid, foldAttestationGrid, type AttestationGridCommand } from './attestation';
import type { TransparencyObligation } from './model';

const def = parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles/attestazione_oiv.v1.yaml'), 'utf8'), 'attestazione_oiv.v1.yaml');
const obligation: TransparencyObligation = {
  id: 'bandi-concorso',
  section: 'Bandi di concorso',
  subsection: 'Bandi di concorso',
  title: 'Bandi di concorso',
  legalReference: 'art. 19, d.lgs. 33/2013',
  content: 'Bandi',
  frequency: 'tempestivo',
  order: 1,
};
const obligations = new Map([[obligation.id, obligation]]);
const values = { pubblicazione: 2, completezza: 3, aggiornamento: 2, formatoAperto: 3 };
const st = actor('struttura_tecnica');

/** The events so far, then a grid command decided on them: the new events, versions renumbered. */
function gridStep(events: FoldableEvent[], command: AttestationGridCommand, by: ActorContext): FoldableEvent[] {
  const g = given(def, ...events);
  const decided: DomainEvent[] = decideAttestationGrid(command, g.state, foldAttestationGrid(events), { actor: by, now: NOW, definition: def, obligations });
  return [...events, ...decided.map((e, i) => ({ ...e, version: events.length + i + 1, tenant: TENANT }))];
}

function gridRefusal(events: FoldableEvent[], command: AttestationGridCommand, by: ActorContext): DomainRefusal {
  try {
    gridStep(events, command, by);
  } catch (e) {
    return e as DomainRefusal;
  }
  throw new Error('accepted');
}

describe('attestation survey grid', () => {
  const opened = pathTo(def, 'rilevazione').events as FoldableEvent[];

  it('sets a row with a copy of the obligation and its values; setting again replaces; removing drops it', () => {
    let events = gridStep(opened, { type: 'set_row', obligationId: 'bandi-concorso', ...values, note: 'Tracce mancanti' }, st);
    expect(events.at(-1)).toMatchObject({ type: 'AttestationGridRowSet', data: { obligationId: 'bandi-concorso', title: 'Bandi di concorso', legalReference: 'art. 19, d.lgs. 33/2013', ...values, note: 'Tracce mancanti' } });
    events = gridStep(events, { type: 'set_row', obligationId: 'bandi-concorso', ...values, completezza: 1 }, actor('rpct'));
    expect(foldAttestationGrid(events).rows).toEqual([expect.objectContaining({ obligationId: 'bandi-concorso', completezza: 1, by: 'u-rpct' })]);
    events = gridStep(events, { type: 'remove_row', obligationId: 'bandi-concorso' }, st);
    expect(foldAttestationGrid(events).rows).toEqual([]);
  });

  it('refuses values outside ANAC ranges, unknown obligations and rows, other roles, and stages other than drafting', () => {
    const bad = gridRefusal(opened, { type: 'set_row', obligationId: 'bandi-concorso', pubblicazione: 1, completezza: -1, aggiornamento: 2.5, formatoAperto: '3' }, st);
    expect(bad.code).toBe('INVALID_FIELDS');
    expect(bad.fields.map((f) => f.field)).toEqual(['pubblicazione', 'completezza', 'aggiornamento', 'formatoAperto']);
    expect(gridRefusal(opened, { type: 'set_row', obligationId: 'altro', ...values }, st).code).toBe('TRANSPARENCY_OBLIGATION_NOT_FOUND');
    expect(gridRefusal(opened, { type: 'remove_row', obligationId: 'bandi-concorso' }, st).code).toBe('ATTESTATION_GRID_ROW_NOT_FOUND');
    expect(gridRefusal(opened, { type: 'set_row', obligationId: 'bandi-concorso', ...values }, actor('oiv')).code).toBe('ROLE_NOT_ALLOWED');
    expect(gridRefusal(opened, { type: 'set_row', obligationId: 'bandi-concorso', ...values }, actor('po')).code).toBe('ROLE_NOT_ALLOWED');
    const atOiv = pathTo(def, 'verifica_oiv').events as FoldableEvent[];
    expect(gridRefusal(atOiv, { type: 'set_row', obligationId: 'bandi-concorso', ...values }, st).code).toBe('ATTESTATION_GRID_NOT_EDITABLE');
    expect(gridRefusal(opened, { type: 'set_row', obligationId: 'bandi-concorso', ...values }, actor('struttura_tecnica', { tenant: 'cciaa-altra' })).code).toBe('CYCLE_NOT_FOUND');
  });

  it('only definitions whose content is a survey grid have one; an empty grid is not sent to the OIV', () => {
    const piao = parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles/piao.v1.yaml'), 'utf8'), 'piao.v1.yaml');
    const piaoDraft = pathTo(piao, 'bozza').events as FoldableEvent[];
    const g = given(piao, ...piaoDraft);
    expect(() => decideAttestationGrid({ type: 'set_row', obligationId: 'bandi-concorso', ...values }, g.state, { rows: [] }, { actor: actor('rpct'), now: NOW, definition: piao, obligations })).toThrow(
      expect.objectContaining({ code: 'NO_SURVEY_GRID' }),
    );
    const submit = commands.transition('submit_to_oiv', {});
    const empty = given(def, ...opened).when(submit, st, { now: NOW, checkSurveyGrid: true });
    expect(empty.refusal?.code).toBe('ATTESTATION_GRID_EMPTY');
    const removed = gridStep(gridStep(opened, { type: 'set_row', obligationId: 'bandi-concorso', ...values }, st), { type: 'remove_row', obligationId: 'bandi-concorso' }, st);
    expect(given(def, ...removed).when(submit, st, { now: NOW, checkSurveyGrid: true }).refusal?.code).toBe('ATTESTATION_GRID_EMPTY');
    const filled = gridStep(opened, { type: 'set_row', obligationId: 'bandi-concorso', ...values }, st);
    given(def, ...filled).when(submit, st, { now: NOW, checkSurveyGrid: true }).then(['SurveyGridSubmittedToOiv']);
  });

  it('who edited the grid cannot attest or send it back, even holding the OIV role; another OIV member may', () => {
    const both = actor(['struttura_tecnica', 'oiv'], { userId: 'u-st-oiv' });
    const edited = gridStep(opened, { type: 'set_row', obligationId: 'bandi-concorso', ...values }, both);
    const submitted = given(def, ...edited).when(commands.transition('submit_to_oiv', {}), actor('rpct'), { now: NOW });
    const g = given(def, ...submitted.history);
    const today = todayAt(NOW);
    const attest = commands.transition('attest', { reportReference: 'Attestazione', date: today });
    const attached = g.when(commands.attach(), actor('oiv'), { now: NOW });
    const ready = given(def, ...attached.history);
    for (const c of [attest, commands.transition('send_back', { reason: 'Integrare', reportReference: 'Verbale 1' })]) {
      const out = ready.when(c, both, { now: NOW });
      expect(out.refusal?.code).toBe('INDEPENDENCE_REQUIRED');
      expect(out.refusal?.messageIt).toMatch(/compilazione della griglia di rilevazione/);
    }
    ready.when(attest, actor('oiv'), { now: NOW }).then(['AttestedByOiv']);
  });
});
