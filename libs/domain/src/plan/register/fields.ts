/** Checks of register items and of the rating method: every bad field named at once. */
import type { FieldProblem } from '../../cycle/errors';
import { FieldReader, isObject } from '../fields';
import {
  MEASURE_CATEGORIES,
  MEASURE_KINDS,
  REGISTER_ITEM_KINDS,
  type MeasurePhase,
  type RatingMethod,
  type RegisterItem,
  type RegisterItemKind,
  type RegisterMeasure,
} from './model';

const ITEM_FIELDS: Record<RegisterItemKind, readonly string[]> = {
  process: ['kind', 'code', 'title', 'area', 'office', 'note'],
  risk: ['kind', 'code', 'processCode', 'description', 'factors', 'note'],
  measure: [
    'kind',
    'code',
    'measureKind',
    'category',
    'title',
    'description',
    'riskCodes',
    'owner',
    'phases',
    'indicator',
    'target',
    'note',
  ],
};
export const itemFields = (kind: RegisterItemKind): readonly string[] => ITEM_FIELDS[kind];

const KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;

function texts(r: FieldReader, input: Record<string, unknown>, field: string, max: number): string[] {
  const v = input[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x.trim() || x.trim().length > max)) {
    r.problem(field, `must be a list of texts of 1 to ${max} characters`);
    return [];
  }
  return (v as string[]).map((x) => x.trim());
}

function phasesOf(r: FieldReader, v: unknown): MeasurePhase[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    r.problem('phases', 'must be a list of {title, deadline}');
    return [];
  }
  const out: MeasurePhase[] = [];
  v.forEach((p, i) => {
    if (!isObject(p)) {
      r.problem(`phases[${i}]`, 'must be {title, deadline}');
      return;
    }
    const pr = new FieldReader(p, `phases[${i}]`);
    const title = pr.string('title', { required: true, max: 500 });
    const deadline = pr.isoDate('deadline');
    for (const x of pr.problems) r.problem(x.field, x.problem);
    if (title && deadline) out.push({ title, deadline });
  });
  return out;
}

/** A register item from untrusted input, or the problems (fields named as given). */
export function validateItem(input: unknown): { item?: RegisterItem; problems: FieldProblem[] } {
  if (!isObject(input)) return { problems: [{ field: 'item', problem: 'must be an object' }] };
  const r = new FieldReader(input);
  const kind = r.oneOf('kind', REGISTER_ITEM_KINDS, { required: true });
  if (!kind) return { problems: r.problems };
  for (const k of Object.keys(input))
    if (!ITEM_FIELDS[kind].includes(k)) r.problem(k, `is not a field of a register ${kind}`);
  const code = r.code('code');
  const note = r.string('note', { max: 4000 });
  let item: RegisterItem | undefined;
  switch (kind) {
    case 'process': {
      const title = r.string('title', { required: true, max: 500 });
      const area = r.string('area', { max: 200 });
      const office = r.string('office', { max: 200 });
      if (code && title)
        item = {
          kind,
          code,
          title,
          ...(area ? { area } : {}),
          ...(office ? { office } : {}),
          ...(note ? { note } : {}),
        };
      break;
    }
    case 'risk': {
      const processCode = r.code('processCode');
      const description = r.string('description', { required: true, max: 2000 });
      const factors = texts(r, input, 'factors', 500);
      if (code && processCode && description)
        item = { kind, code, processCode, description, factors, ...(note ? { note } : {}) };
      break;
    }
    case 'measure': {
      const measureKind = r.oneOf('measureKind', MEASURE_KINDS, { required: true });
      const category = r.oneOf('category', MEASURE_CATEGORIES, { required: true });
      const title = r.string('title', { required: true, max: 500 });
      const description = r.string('description', { max: 4000 });
      const riskCodes = texts(r, input, 'riskCodes', 40);
      if (
        measureKind === 'specifica' &&
        riskCodes.length === 0 &&
        !r.problems.some((p) => p.field === 'riskCodes')
      )
        r.problem('riskCodes', 'a specific measure treats at least one risk');
      if (new Set(riskCodes).size !== riskCodes.length) r.problem('riskCodes', 'lists a risk twice');
      let owner: RegisterMeasure['owner'] | undefined;
      if (!isObject(input.owner)) r.problem('owner', 'is required: {office, dirigente}');
      else {
        const or = new FieldReader(input.owner, 'owner');
        const office = or.string('office', { required: true, max: 200 });
        const dirigente = or.string('dirigente', { required: true, max: 200 });
        for (const x of or.problems) r.problem(x.field, x.problem);
        if (office && dirigente) owner = { office, dirigente };
      }
      const phases = phasesOf(r, input.phases);
      const indicator = r.string('indicator', { required: true, max: 1000 });
      const target = r.string('target', { required: true, max: 500 });
      if (
        code &&
        measureKind &&
        category &&
        title &&
        owner &&
        indicator &&
        target &&
        r.problems.length === 0
      ) {
        item = {
          kind,
          code,
          measureKind,
          category,
          title,
          ...(description ? { description } : {}),
          riskCodes,
          owner,
          phases,
          indicator,
          target,
          ...(note ? { note } : {}),
        };
      }
      break;
    }
  }
  if (r.problems.length) return { problems: r.problems };
  return { item, problems: item ? [] : [{ field: 'item', problem: 'is incomplete' }] };
}

/** A rating method from untrusted input: 1-12 indicators with unique keys, 2-7 unique levels. */
export function validateMethod(input: unknown): { method?: RatingMethod; problems: FieldProblem[] } {
  if (!isObject(input))
    return {
      problems: [{ field: 'method', problem: 'must be {indicators: [{key, title}], levels: [...]}' }],
    };
  const problems: FieldProblem[] = [];
  const indicators: RatingMethod['indicators'] = [];
  if (!Array.isArray(input.indicators) || input.indicators.length < 1 || input.indicators.length > 12)
    problems.push({ field: 'method.indicators', problem: 'must list 1 to 12 indicators {key, title}' });
  else
    input.indicators.forEach((x, i) => {
      if (
        !isObject(x) ||
        typeof x.key !== 'string' ||
        !KEY_RE.test(x.key) ||
        typeof x.title !== 'string' ||
        !x.title.trim() ||
        x.title.length > 300
      )
        problems.push({
          field: `method.indicators[${i}]`,
          problem: 'must be {key: lower-case letters, digits, _; title: text}',
        });
      else if (indicators.some((y) => y.key === x.key))
        problems.push({ field: `method.indicators[${i}].key`, problem: `${x.key} is listed twice` });
      else indicators.push({ key: x.key, title: x.title.trim() });
    });
  const levels: string[] = [];
  if (!Array.isArray(input.levels) || input.levels.length < 2 || input.levels.length > 7)
    problems.push({ field: 'method.levels', problem: 'must list 2 to 7 levels, lowest first' });
  else
    input.levels.forEach((x, i) => {
      if (typeof x !== 'string' || !KEY_RE.test(x))
        problems.push({
          field: `method.levels[${i}]`,
          problem: 'must be lower-case letters, digits, _ (e.g. medio)',
        });
      else if (levels.includes(x))
        problems.push({ field: `method.levels[${i}]`, problem: `${x} is listed twice` });
      else levels.push(x);
    });
  for (const k of Object.keys(input))
    if (k !== 'indicators' && k !== 'levels')
      problems.push({ field: `method.${k}`, problem: 'is not a field of the method' });
  return problems.length ? { problems } : { method: { indicators, levels }, problems };
}

/**
 * The level most indicators have; a tie goes to the higher level (prudence, PNA 2019 Allegato 1
 * §4.2: where indicators differ, do not average them away).
 */
export function suggestedRating(levels: readonly string[], ratings: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of ratings) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best = levels[0];
  let bestCount = -1;
  levels.forEach((l) => {
    const n = counts.get(l) ?? 0;
    if (n >= bestCount && n > 0) {
      best = l;
      bestCount = n;
    }
  });
  return best;
}
