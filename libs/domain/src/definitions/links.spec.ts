/* eslint-disable no-restricted-imports */
// Links between cycle types: the per-definition checks, the checks over the whole set, the shipped links.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { linkFits, parseCycleDefinition, validateCycleDefinition, validateDefinitionSet, type CycleDefinition, type DefinitionIssue } from './index';

const DIR = join(__dirname, '..', '..', '..', '..', 'seeds', 'cycles');
const shipped = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => parseCycleDefinition(readFileSync(join(DIR, f), 'utf8'), f));
const byId = new Map(shipped.map((d) => [d.id, d]));

/** A small valid definition of type `id` (annual), with optional links and deadlines. */
function doc(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    version: 1,
    title: `Ciclo ${id}`,
    legalBasis: ['L. 1/2000'],
    period: 'annual',
    openRoles: ['po'],
    cancelRoles: ['segretario_generale'],
    commentRoles: [],
    attachRoles: [],
    editableStages: [],
    initialStage: 'bozza',
    stages: [
      { id: 'bozza', title: 'Bozza', actors: ['po'] },
      { id: 'approvato', title: 'Approvato', terminal: true, actors: [] },
    ],
    transitions: [{ command: 'approve', event: 'Approved', title: 'Approva', from: ['bozza'], to: 'approvato', roles: ['po'], kind: 'plain' }],
    reminders: { offsetsDays: [0], overdueEveryDays: 7, escalateTo: 'segretario_generale' },
    ...extra,
  };
}
const link = (id: string, type: string, over: Record<string, unknown> = {}) => ({ id, title: 'Collegato', type, relation: 'reports_on', year: 'same', ...over });
const laterOf = (over: Record<string, unknown> = {}) => ({
  id: 'adozione',
  title: 'Adozione',
  metBy: 'approvato',
  rule: { type: 'later_of', month: 1, day: 31, link: 'bilancio', event: 'Approved', days: 30, switchable: true, ...over },
});
const issuesOf = (value: Record<string, unknown>): DefinitionIssue[] => {
  try {
    validateCycleDefinition(value, 'x');
    return [];
  } catch (e) {
    return [...(e as { issues: DefinitionIssue[] }).issues];
  }
};
const def = (value: Record<string, unknown>): CycleDefinition => validateCycleDefinition(value, `${String(value.id)}.v1.yaml`);

describe('links in one definition', () => {
  it('accepts links and a later_of deadline naming one; defaults links to [] and switchable to false', () => {
    const d = def(doc('piano', { links: [link('bilancio', 'bilancio')], deadlines: [laterOf({ switchable: undefined })] }));
    expect(d.links).toEqual([{ id: 'bilancio', title: 'Collegato', type: 'bilancio', relation: 'reports_on', year: 'same' }]);
    expect(d.deadlines[0].rule).toEqual({ type: 'later_of', month: 1, day: 31, yearOffset: 0, link: 'bilancio', event: 'Approved', days: 30, switchable: false });
    expect(def(doc('solo')).links).toEqual([]);
  });

  it('refuses unknown relations and years, unknown keys, duplicate ids, a link to its own type, a later_of naming no link', () => {
    expect(issuesOf(doc('piano', { links: [link('a', 'b', { relation: 'owns', year: 'next', extra: 1 })] })).map((i) => `${i.path}: ${i.reason}`)).toEqual([
      'links[0].relation: must be one of: "reports_on", "measures_and_varies", "follows" (got "owns")',
      'links[0].year: must be one of: "same", "covering" (got "next")',
      'links[0].extra: unknown key',
    ]);
    expect(issuesOf(doc('piano', { links: [link('a', 'b'), link('a', 'c')] })).map((i) => `${i.path}: ${i.reason}`)).toEqual(['links[1]: duplicate link id "a"']);
    expect(issuesOf(doc('piano', { links: [link('a', 'piano')] })).map((i) => `${i.path}: ${i.reason}`)).toEqual(['links[0].type: a cycle type cannot link to itself ("piano")']);
    expect(issuesOf(doc('piano', { links: [link('a', 'b')], deadlines: [laterOf({ day: 30, month: 2 })] })).map((i) => `${i.path}: ${i.reason}`)).toEqual([
      'deadlines[0].rule.day: day 30 does not exist in month 2',
      'deadlines[0].rule.link: unknown link "bilancio" (links: a)',
    ]);
    expect(issuesOf(doc('piano', { links: [link('bilancio', 'b')], deadlines: [laterOf({ days: 0 })] })).map((i) => i.path)).toEqual(['deadlines[0].rule.days']);
  });
});

describe('validateDefinitionSet', () => {
  it('passes for the shipped definitions', () => {
    expect(validateDefinitionSet(shipped)).toEqual([]);
  });

  it('reports a link to a type that is not loaded and a linked event no version of the target produces', () => {
    const piano = def(doc('piano', { links: [link('bilancio', 'bilancio'), link('altro', 'mancante')], deadlines: [laterOf({ event: 'Published' })] }));
    expect(validateDefinitionSet([piano, def(doc('bilancio'))])).toEqual([
      { source: 'piano.v1.yaml', path: 'links[1].type', reason: 'unknown cycle type "mancante" (types: bilancio, piano)' },
      { source: 'piano.v1.yaml', path: 'deadlines[0].rule.event', reason: 'no transition of "bilancio" produces event "Published" (nor is it CycleOpened)' },
    ]);
    // CycleOpened of the target, or an event of any version of it, is fine.
    const opened = def(doc('piano', { links: [link('bilancio', 'bilancio')], deadlines: [laterOf({ event: 'CycleOpened' })] }));
    expect(validateDefinitionSet([opened, def(doc('bilancio'))])).toEqual([]);
  });

  it('reports a cycle of dependency once, however long', () => {
    const a = def(doc('aa', { links: [link('b', 'bb')] }));
    const b = def(doc('bb', { links: [link('c', 'cc')] }));
    const c = def(doc('cc', { links: [link('a', 'aa')] }));
    expect(validateDefinitionSet([a, b, c])).toEqual([{ source: 'cc.v1.yaml', path: 'links[0].type', reason: 'cycle of dependency: aa -> bb -> cc -> aa' }]);
    expect(validateDefinitionSet([a, b, def(doc('cc'))])).toEqual([]);
    // Two types following each other.
    const p = def(doc('pp', { links: [link('q', 'qq')] }));
    const q = def(doc('qq', { links: [link('p', 'pp', { relation: 'follows' })] }));
    expect(validateDefinitionSet([p, q]).map((i) => i.reason)).toEqual(['cycle of dependency: pp -> qq -> pp']);
    // A diamond is not a cycle.
    const top = def(doc('top', { links: [link('l', 'left'), link('r', 'right')] }));
    const left = def(doc('left', { links: [link('b', 'base')] }));
    const right = def(doc('right', { links: [link('b', 'base')] }));
    expect(validateDefinitionSet([top, left, right, def(doc('base'))])).toEqual([]);
  });
});

describe('the shipped links', () => {
  it('Relazione reports on, Monitoraggio measures and varies, the PIAO covering its year; the PIAO follows the Preventivo of its year', () => {
    expect(byId.get('relazione_performance')?.links).toEqual([expect.objectContaining({ id: 'piao', type: 'piao', relation: 'reports_on', year: 'covering' })]);
    expect(byId.get('monitoraggio_intermedio')?.links).toEqual([expect.objectContaining({ id: 'piao', type: 'piao', relation: 'measures_and_varies', year: 'covering' })]);
    const piao = byId.get('piao') as CycleDefinition;
    expect(piao.links).toEqual([expect.objectContaining({ id: 'preventivo', type: 'preventivo_economico', relation: 'follows', year: 'same' })]);
    expect(piao.deadlines.find((d) => d.id === 'adozione')?.rule).toEqual({
      type: 'later_of', month: 1, day: 31, yearOffset: 0, link: 'preventivo', event: 'ConsiglioDeliberationRecorded', days: 30, switchable: true,
    });
  });

  it('linkFits: same year, or a period covering the year', () => {
    const piaoLink = (byId.get('relazione_performance') as CycleDefinition).links[0];
    expect([2026, 2027, 2028, 2029, 2030].map((y) => linkFits(piaoLink, y, 2027, 'triennial'))).toEqual([false, true, true, true, false]);
    const prev = (byId.get('piao') as CycleDefinition).links[0];
    expect([2026, 2027, 2028].map((y) => linkFits(prev, y, 2027, 'annual'))).toEqual([false, true, false]);
  });
});
