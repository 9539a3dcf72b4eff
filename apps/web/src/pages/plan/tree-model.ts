/** Pure helpers over the plan tree view: parents, filters, the areas and offices to filter by. */
import type { NodeScore, AmbitoView, IndicatorView, OperationalObjectiveView, PlanTreeView, StrategicObjectiveView } from './types';

export interface TreeIndex {
  parent: Map<string, string>;
  kind: Map<string, string>;
  objectives: OperationalObjectiveView[];
  indicators: Map<string, IndicatorView>;
  areas: string[];
  offices: string[];
  /** The bands of the plan's SMVP, when it sets them. */
  bands?: NodeScore['band'][];
}

export function indexTree(t: PlanTreeView, bands?: NodeScore['band'][]): TreeIndex {
  const parent = new Map<string, string>();
  const kind = new Map<string, string>();
  const objectives: OperationalObjectiveView[] = [];
  const indicators = new Map<string, IndicatorView>();
  const areas = new Set<string>();
  const offices = new Set<string>();
  for (const a of t.ambiti) {
    kind.set(a.code, 'ambito');
    for (const so of a.strategicObjectives) {
      parent.set(so.code, a.code);
      kind.set(so.code, 'strategic_objective');
      for (const oo of so.operationalObjectives) {
        parent.set(oo.code, so.code);
        kind.set(oo.code, 'operational_objective');
        objectives.push(oo);
        if (oo.area) areas.add(oo.area);
        if (oo.office) offices.add(oo.office);
        for (const i of oo.indicators) {
          parent.set(i.code, oo.code);
          kind.set(i.code, 'indicator');
          indicators.set(i.code, i);
        }
      }
    }
  }
  const sort = (s: Set<string>) => [...s].sort((x, y) => x.localeCompare(y, 'it'));
  return { parent, kind, objectives, indicators, areas: sort(areas), offices: sort(offices), ...(bands?.length ? { bands } : {}) };
}

/** The codes above a node, nearest last: 01, 01_01, 01_01_02 for an indicator of 01_01_02. */
export function ancestorsOf(index: TreeIndex, code: string): string[] {
  const out: string[] = [];
  let p = index.parent.get(code);
  while (p) {
    out.unshift(p);
    p = index.parent.get(p);
  }
  return out;
}

export interface Filter {
  area: string;
  office: string;
  text: string;
}

/** Lower case without accents, for a search that ignores both. */
export const fold = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export interface Visible {
  /** Codes shown; null when no filter applies (everything shown). */
  codes: Set<string> | null;
  /** Codes to open so that the matches are in sight (text search). */
  open: Set<string>;
  matches: number;
}

/**
 * Which nodes a filter keeps. Area and office select operational objectives (with their parents and
 * indicators); the text (code or title, accents and case ignored, every word) keeps a matching node
 * with everything below it, and the path down to it.
 */
export function applyFilter(t: PlanTreeView, f: Filter): Visible {
  const words = fold(f.text.trim()).split(/\s+/).filter(Boolean);
  if (!f.area && !f.office && words.length === 0) return { codes: null, open: new Set(), matches: 0 };
  const hit = (...texts: (string | undefined)[]) => {
    if (words.length === 0) return false;
    const hay = fold(texts.filter(Boolean).join(' '));
    return words.every((w) => hay.includes(w));
  };
  const codes = new Set<string>();
  const open = new Set<string>();
  let matches = 0;
  const objectiveOk = (oo: OperationalObjectiveView) => (!f.area || oo.area === f.area) && (!f.office || oo.office === f.office);
  const addObjective = (oo: OperationalObjectiveView, all: boolean): boolean => {
    if (!objectiveOk(oo)) return false;
    const self = all || words.length === 0 || hit(oo.code, oo.title, oo.description);
    if (self && words.length && !all) matches++;
    let any = self;
    for (const i of oo.indicators) {
      if (self || hit(i.code, i.name, i.description)) {
        codes.add(i.code);
        if (!self) {
          matches++;
          open.add(oo.code);
        }
        any = true;
      }
    }
    if (any) codes.add(oo.code);
    return any;
  };
  const addStrategic = (so: StrategicObjectiveView, all: boolean): boolean => {
    const self = all || hit(so.code, so.title, so.description);
    if (self && !all) matches++;
    let any = false;
    for (const oo of so.operationalObjectives) {
      if (addObjective(oo, self)) {
        any = true;
        if (words.length || f.area || f.office) open.add(so.code);
      }
    }
    if (any || (self && !f.area && !f.office)) codes.add(so.code);
    return any || (self && !f.area && !f.office);
  };
  const addAmbito = (a: AmbitoView) => {
    const self = hit(a.code, a.title, a.description);
    if (self) matches++;
    let any = false;
    for (const so of a.strategicObjectives) {
      if (addStrategic(so, self)) {
        any = true;
        if (words.length || f.area || f.office) open.add(a.code);
      }
    }
    if (any || (self && !f.area && !f.office)) codes.add(a.code);
  };
  for (const a of t.ambiti) addAmbito(a);
  return { codes, open, matches };
}
