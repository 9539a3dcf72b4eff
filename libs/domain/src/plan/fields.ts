/**
 * Checks of plan command bodies. Everything from outside (HTTP bodies, imported files) passes here
 * before it becomes an event; each problem names its field. Drafts may be incomplete (a weight
 * "n.d.", a missing target): that is for the submission checks, not for these.
 */
import { isIsoDate } from '../calendar';
import type { FieldProblem } from '../cycle/errors';
import type { IndicatorValue, Resources } from '../performance/tree';
import {
  AGGREGATIONS,
  INDICATOR_TYPES,
  INDICATOR_UNITS,
  PLAN_NODE_KINDS,
  PLAN_SECTIONS,
  PROGRESS_KINDS,
  TARGET_OPERATORS,
  type PlanBaseline,
  type PlanNode,
  type PlanNodeKind,
  type PlanTarget,
} from './model';

export const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const SHA256_RE = /^[0-9a-f]{64}$/i;

type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects problems while reading fields of an untrusted object. */
export class FieldReader {
  readonly problems: FieldProblem[] = [];
  constructor(
    private readonly input: Obj,
    private readonly prefix = '',
  ) {}

  private name(field: string): string {
    return this.prefix ? `${this.prefix}.${field}` : field;
  }

  problem(field: string, problem: string): void {
    this.problems.push({ field: this.name(field), problem });
  }

  has(field: string): boolean {
    return this.input[field] !== undefined && this.input[field] !== null;
  }

  raw(field: string): unknown {
    return this.input[field];
  }

  string(field: string, opts: { required?: boolean; max: number; min?: number }): string | undefined {
    const v = this.input[field];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '' && !opts.required)) {
      if (opts.required) this.problem(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.problem(field, 'must be a string');
      return undefined;
    }
    const t = v.trim();
    if (t.length < (opts.min ?? 1) || t.length > opts.max) {
      this.problem(field, `must be ${opts.min ?? 1} to ${opts.max} characters`);
      return undefined;
    }
    return t;
  }

  code(field: string, required = true): string | undefined {
    const v = this.input[field];
    if (v === undefined || v === null) {
      if (required) this.problem(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || !CODE_RE.test(v.trim())) {
      this.problem(field, 'must be a code of 1 to 40 letters, digits, _ . - (e.g. 01_01_02)');
      return undefined;
    }
    return v.trim();
  }

  number(field: string, opts: { min?: number; max?: number; integer?: boolean; required?: boolean } = {}): number | undefined {
    const v = this.input[field];
    if (v === undefined || v === null) {
      if (opts.required) this.problem(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.problem(field, 'must be a finite number');
      return undefined;
    }
    if (opts.integer && !Number.isInteger(v)) {
      this.problem(field, 'must be a whole number');
      return undefined;
    }
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      this.problem(field, `must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}`);
      return undefined;
    }
    return v;
  }

  boolean(field: string, fallback?: boolean): boolean | undefined {
    const v = this.input[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') {
      this.problem(field, 'must be true or false');
      return fallback;
    }
    return v;
  }

  oneOf<T extends string>(field: string, values: readonly T[], opts: { required?: boolean; fallback?: T } = {}): T | undefined {
    const v = this.input[field];
    if (v === undefined || v === null) {
      if (opts.required) this.problem(field, 'is required');
      return opts.fallback;
    }
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.problem(field, `must be one of: ${values.join(', ')}`);
      return opts.fallback;
    }
    return v as T;
  }

  sha256(field: string): string | undefined {
    const v = this.input[field];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' || !SHA256_RE.test(v)) {
      this.problem(field, 'must be a SHA-256 in 64 hex digits');
      return undefined;
    }
    return v.toLowerCase();
  }

  isoDate(field: string, required = true): string | undefined {
    const v = this.input[field];
    if (v === undefined || v === null) {
      if (required) this.problem(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || !isIsoDate(v)) {
      this.problem(field, 'must be a date YYYY-MM-DD');
      return undefined;
    }
    return v;
  }

  /** An indicator value: a number, an ISO date or a yes/no. */
  value(field: string, required = true): IndicatorValue | undefined {
    const v = this.input[field];
    if (v === undefined || v === null) {
      if (required) this.problem(field, 'is required');
      return undefined;
    }
    if (isIndicatorValue(v)) return v;
    this.problem(field, 'must be a number, a date YYYY-MM-DD or true/false');
    return undefined;
  }
}

export function isIndicatorValue(v: unknown): v is IndicatorValue {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || (typeof v === 'string' && isIsoDate(v));
}

const TEXT = 20000;
const TITLE = 1000;
const SHORT = 500;

/** Fields every kind may carry; the parent field by kind; the fields a node of each kind accepts. */
const NODE_FIELDS: Record<PlanNodeKind, readonly string[]> = {
  ambito: ['kind', 'code', 'title', 'description', 'weight', 'note'],
  strategic_objective: ['kind', 'code', 'title', 'description', 'ambitoCode', 'weight', 'note'],
  operational_objective: [
    'kind', 'code', 'title', 'description', 'expectedImpact', 'resources', 'strategicObjectiveCode', 'area', 'office', 'cdr',
    'mission', 'programme', 'stakeholders', 'timeSpan', 'commonSystemObjective', 'weight', 'section', 'note',
  ],
  indicator: [
    'kind', 'code', 'objectiveCode', 'name', 'description', 'algorithm', 'type', 'unit', 'baseline', 'targets', 'weight',
    'dataSource', 'aggregation', 'progress', 'note',
  ],
};

export const nodeFields = (kind: PlanNodeKind): readonly string[] => NODE_FIELDS[kind];

function targetsOf(r: FieldReader, field: string, planYears: readonly number[]): PlanTarget[] {
  const raw = r.raw(field);
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    r.problem(field, 'must be a list of {year, operator, value}');
    return [];
  }
  const out: PlanTarget[] = [];
  const years = new Set<number>();
  raw.forEach((t, i) => {
    if (!isObject(t)) {
      r.problem(`${field}[${i}]`, 'must be an object {year, operator, value}');
      return;
    }
    const tr = new FieldReader(t, `${field}[${i}]`);
    const year = tr.number('year', { integer: true, required: true, min: 2000, max: 2100 });
    const operator = tr.oneOf('operator', TARGET_OPERATORS, { required: true });
    const value = tr.value('value');
    for (const k of Object.keys(t)) if (!['year', 'operator', 'value'].includes(k)) tr.problem(k, 'is not an accepted field');
    if (year !== undefined) {
      if (planYears.length && !planYears.includes(year)) tr.problem('year', `must be a year of the plan (${planYears.join(', ')})`);
      if (years.has(year)) tr.problem('year', `repeats ${year}`);
      years.add(year);
    }
    r.problems.push(...tr.problems);
    if (tr.problems.length === 0 && year !== undefined && operator && value !== undefined) out.push({ year, operator, value });
  });
  return out.sort((a, b) => a.year - b.year);
}

export function validateTargets(raw: unknown, planYears: readonly number[], field = 'targets'): { targets: PlanTarget[]; problems: FieldProblem[] } {
  const r = new FieldReader({ [field]: raw });
  const targets = targetsOf(r, field, planYears);
  return { targets, problems: r.problems };
}

function baselineOf(r: FieldReader): PlanBaseline {
  const raw = r.raw('baseline');
  if (raw === undefined || raw === null) return { nd: true };
  if (!isObject(raw)) {
    r.problem('baseline', 'must be {value, year?} or {nd: true, year?}');
    return { nd: true };
  }
  const br = new FieldReader(raw, 'baseline');
  const year = br.number('year', { integer: true, min: 1990, max: 2100 });
  for (const k of Object.keys(raw)) if (!['value', 'nd', 'year'].includes(k)) br.problem(k, 'is not an accepted field');
  let result: PlanBaseline = { nd: true };
  if (raw.nd === true) {
    if (raw.value !== undefined && raw.value !== null) br.problem('value', 'must be absent when nd is true');
    result = year !== undefined ? { nd: true, year } : { nd: true };
  } else {
    const value = br.value('value');
    if (value !== undefined) result = year !== undefined ? { value, year } : { value };
  }
  r.problems.push(...br.problems);
  return result;
}

/**
 * Validates a whole node (for `add_node`, and for `update_node` on the merged result). Unknown keys
 * are refused, strings trimmed, defaults filled in (`stakeholders: []`, `commonSystemObjective:
 * false`, `section: performance`, `baseline: {nd: true}`, `targets: []`, `weight: null`).
 */
export function validateNode(input: unknown, planYears: readonly number[]): { node?: PlanNode; problems: FieldProblem[] } {
  if (!isObject(input)) return { problems: [{ field: 'node', problem: 'must be an object' }] };
  const r = new FieldReader(input);
  const kind = r.oneOf('kind', PLAN_NODE_KINDS, { required: true });
  if (!kind) return { problems: r.problems };
  for (const k of Object.keys(input)) if (!NODE_FIELDS[kind].includes(k)) r.problem(k, `is not a field of a node of kind ${kind}`);
  const code = r.code('code');
  const weightOpt = () => r.number('weight', { min: 0, max: 1000 });
  const opt = <T extends object>(o: T): T => {
    for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
    return o;
  };
  let node: PlanNode | undefined;
  switch (kind) {
    case 'ambito': {
      const n = opt({ kind, code: code as string, title: r.string('title', { required: true, max: TITLE }) as string, description: r.string('description', { max: TEXT }), weight: weightOpt(), note: r.string('note', { max: 4000 }) });
      node = n;
      break;
    }
    case 'strategic_objective': {
      node = opt({
        kind,
        code: code as string,
        title: r.string('title', { required: true, max: TITLE }) as string,
        description: r.string('description', { max: TEXT }),
        ambitoCode: r.code('ambitoCode') as string,
        weight: weightOpt(),
        note: r.string('note', { max: 4000 }),
      });
      break;
    }
    case 'operational_objective': {
      let resources: Resources | null = null;
      const rawRes = r.raw('resources');
      if (rawRes !== undefined && rawRes !== null) {
        if (isObject(rawRes) && rawRes.kind === 'risorse_interne' && Object.keys(rawRes).length === 1) resources = { kind: 'risorse_interne' };
        else if (isObject(rawRes) && rawRes.kind === 'euro' && typeof rawRes.amount === 'number' && Number.isFinite(rawRes.amount) && rawRes.amount >= 0 && Object.keys(rawRes).length === 2)
          resources = { kind: 'euro', amount: rawRes.amount };
        else r.problem('resources', 'must be {kind: "euro", amount ≥ 0}, {kind: "risorse_interne"} or null');
      }
      let mission: { code: string; title: string } | undefined;
      const rawMission = r.raw('mission');
      if (rawMission !== undefined && rawMission !== null) {
        if (isObject(rawMission) && typeof rawMission.code === 'string' && typeof rawMission.title === 'string' && rawMission.code.trim() && rawMission.code.length <= 20 && rawMission.title.length <= SHORT)
          mission = { code: rawMission.code.trim(), title: rawMission.title.trim() };
        else r.problem('mission', 'must be {code, title} (e.g. {"code": "011", "title": "Competitività e sviluppo delle imprese"})');
      }
      let timeSpan: { from: number; to: number } | undefined;
      const rawSpan = r.raw('timeSpan');
      if (rawSpan !== undefined && rawSpan !== null) {
        if (isObject(rawSpan) && Number.isInteger(rawSpan.from) && Number.isInteger(rawSpan.to) && (rawSpan.from as number) >= 2000 && (rawSpan.to as number) <= 2100 && (rawSpan.to as number) >= (rawSpan.from as number))
          timeSpan = { from: rawSpan.from as number, to: rawSpan.to as number };
        else r.problem('timeSpan', 'must be {from, to}: years 2000-2100, to not before from');
      }
      let stakeholders: string[] = [];
      const rawSh = r.raw('stakeholders');
      if (rawSh !== undefined && rawSh !== null) {
        if (Array.isArray(rawSh) && rawSh.length <= 100 && rawSh.every((s) => typeof s === 'string' && s.trim() && s.length <= SHORT)) stakeholders = rawSh.map((s: string) => s.trim());
        else r.problem('stakeholders', 'must be a list of up to 100 non-empty strings');
      }
      node = opt({
        kind,
        code: code as string,
        title: r.string('title', { required: true, max: TITLE }) as string,
        description: r.string('description', { max: TEXT }),
        expectedImpact: r.string('expectedImpact', { max: TEXT }),
        resources,
        strategicObjectiveCode: r.code('strategicObjectiveCode') as string,
        area: r.string('area', { max: SHORT }),
        office: r.string('office', { max: SHORT }),
        cdr: r.string('cdr', { max: SHORT }),
        mission,
        programme: r.string('programme', { max: TITLE }),
        stakeholders,
        timeSpan,
        commonSystemObjective: r.boolean('commonSystemObjective', false) as boolean,
        weight: weightOpt(),
        section: r.oneOf('section', PLAN_SECTIONS, { fallback: 'performance' }) as 'performance',
        note: r.string('note', { max: 4000 }),
      });
      break;
    }
    case 'indicator': {
      const weight = r.number('weight', { min: 0, max: 100 });
      node = opt({
        kind,
        code: code as string,
        objectiveCode: r.code('objectiveCode') as string,
        name: r.string('name', { required: true, max: 2000 }) as string,
        description: r.string('description', { max: TEXT }),
        algorithm: r.string('algorithm', { max: 4000 }),
        type: r.oneOf('type', INDICATOR_TYPES, { fallback: 'altro' }) as 'altro',
        unit: r.oneOf('unit', INDICATOR_UNITS, { required: true }) as 'n',
        baseline: baselineOf(r),
        targets: targetsOf(r, 'targets', planYears),
        weight: weight ?? null,
        dataSource: r.string('dataSource', { max: 1000 }),
        aggregation: r.oneOf('aggregation', AGGREGATIONS),
        progress: r.oneOf('progress', PROGRESS_KINDS),
        note: r.string('note', { max: 4000 }),
      });
      break;
    }
  }
  return r.problems.length ? { problems: r.problems } : { node, problems: [] };
}
