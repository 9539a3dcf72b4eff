/**
 * The register read as the RPCT reads it: processes by rating, each with its risks and measures,
 * and each measure's status from the monitoring (the RPCT's check over the dirigente's report),
 * whether it is late, and the roll-up for the whole register. Pure, one pass over each list.
 */
import { jsonDiff } from '../../diff';
import {
  methodOf,
  methodRefOf,
  type IndicatorRating,
  type MeasureCheck,
  type MeasurePhase,
  type MeasureReport,
  type MeasureStatus,
  type MonitoringSlot,
  type RatingMethod,
  type RatingMethodRef,
  type RegisterContent,
  type RegisterMeasure,
  type RegisterProcess,
  type RegisterRisk,
  type RegisterState,
} from './model';

/** A measure at one monitoring date. */
export interface MeasureMonitoring {
  /** Monitoring date of the plan */
  date: string;
  /** The latest report for that date */
  report?: MeasureReport;
  /** The RPCT's check */
  check?: MeasureCheck;
  /** The date has passed and no report came */
  missing: boolean;
}

/** A measure with its status. */
export interface MeasureView extends RegisterMeasure {
  /** Status at the latest monitoring date reported (the RPCT's when checked); null: never reported */
  status: MeasureStatus | null;
  /** Whether the status comes from the RPCT's check */
  checked: boolean;
  /** Each monitoring date of the plan */
  monitoring: MeasureMonitoring[];
  /** Phases whose deadline passed while the measure is not attuata */
  latePhases: RegisterMeasure['phases'];
  /** A phase is late, or a monitoring date passed without report */
  overdue: boolean;
}

/** A risk with the measures treating it. */
export interface RiskView extends RegisterRisk {
  /** Codes of the measures treating the risk */
  measureCodes: string[];
}

/** A process with its assessment, risks and measures. */
export interface ProcessView extends RegisterProcess {
  /** Overall rating (null: not assessed yet) */
  rating: string | null;
  /** Suggested rating (the level most indicators have) */
  suggestedRating: string | null;
  /** Why the overall rating */
  motivation: string | null;
  /** Rating of each key indicator */
  indicators: Record<string, IndicatorRating>;
  /** The method (and version) the assessment was made under (null: not assessed yet) */
  assessedWith: RatingMethodRef | null;
  /** The assessment uses a level or misses an indicator of the current method: to be assessed again */
  needsReassessment: boolean;
  /** Risks of the process */
  risks: RiskView[];
  /** Codes of the measures treating its risks */
  measureCodes: string[];
}

export interface RegisterSummary {
  /** Processes in the register */
  processes: number;
  /** Risk events */
  risks: number;
  /** Measures */
  measures: number;
  /** Processes per rating level, highest first, then `non_valutato` */
  byRating: {
    /** A level of the method, or `non_valutato` */
    level: string;
    /** Processes with that rating */
    processes: number;
  }[];
  /** Measures per status (`non_rendicontata`: no report yet) */
  measuresByStatus: {
    /** Measures attuate */
    attuata: number;
    /** Measures parzialmente attuate */
    parzialmente_attuata: number;
    /** Measures non attuate */
    non_attuata: number;
    /** Measures never reported */
    non_rendicontata: number;
  };
  /** Measures late (a phase past its deadline, or a monitoring date without report) */
  overdue: number;
  /** General and specific measures */
  byKind: {
    /** General measures */
    generale: number;
    /** Specific measures */
    specifica: number;
  };
}

export interface RegisterView {
  /** The rating method in force */
  method: RatingMethod;
  /** Where the method in force comes from and its version (`pna2019` 0, `ente` n, `piano` n) */
  methodRef: RatingMethodRef;
  /** Monitoring dates set by the plan */
  monitoringDates: string[];
  /** Roll-up */
  summary: RegisterSummary;
  /** Processes, highest rating first */
  processes: ProcessView[];
  /** Measures with their status */
  measures: MeasureView[];
}

/** One monitoring date's entry with a report or a check, each field only when there is one. */
function monitoringAt(
  date: string,
  report: MeasureReport | undefined,
  check: MeasureCheck | undefined,
  missing: boolean,
): MeasureMonitoring {
  if (!report) return { date, check, missing };
  return check ? { date, report, check, missing } : { date, report, missing };
}

/**
 * The phases past their deadline on `today`, in an array of their exact length (an array grown by
 * `push` or `filter` reserves room for 16 or more: 7,500 of them weigh on the collector).
 */
function phasesBefore(phases: RegisterMeasure['phases'], today: string): RegisterMeasure['phases'] {
  let n = 0;
  for (let i = 0; i < phases.length; i++) if ((phases[i] as MeasurePhase).deadline < today) n += 1;
  if (n === 0) return [];
  const late = new Array<MeasurePhase>(n);
  n = 0;
  for (let i = 0; i < phases.length; i++) {
    const p = phases[i] as MeasurePhase;
    if (p.deadline < today) late[n++] = p;
  }
  return late;
}

/**
 * A measure with its status: one object literal of a fixed shape (a copy by `Object.assign` or a
 * spread, then five more fields, costs twice as much over 7,500 measures). Every field of
 * RegisterMeasure is named here; view.spec.ts checks a measure with all of them.
 */
function measureView(
  m: RegisterMeasure,
  status: MeasureStatus | null,
  checked: boolean,
  monitoring: MeasureMonitoring[],
  latePhases: RegisterMeasure['phases'],
  overdue: boolean,
): MeasureView {
  const view: MeasureView = {
    kind: m.kind,
    code: m.code,
    measureKind: m.measureKind,
    category: m.category,
    title: m.title,
    riskCodes: m.riskCodes,
    owner: m.owner,
    phases: m.phases,
    indicator: m.indicator,
    target: m.target,
    status,
    checked,
    monitoring,
    latePhases,
    overdue,
  };
  if (m.description !== undefined) view.description = m.description;
  if (m.note !== undefined) view.note = m.note;
  return view;
}

/** A risk with the measures treating it (a literal of a fixed shape, as the measure's). */
function riskView(x: RegisterRisk, measureCodes: string[]): RiskView {
  const view: RiskView = {
    kind: x.kind,
    code: x.code,
    processCode: x.processCode,
    description: x.description,
    factors: x.factors,
    measureCodes,
  };
  if (x.note !== undefined) view.note = x.note;
  return view;
}

/**
 * The codes of the measures treating a process's risks, each once, in the order of its risks: an
 * array of the exact length; a set to drop repetitions only when some measure treats several risks.
 */
function measureCodesOf(risks: readonly RiskView[], shared: boolean): string[] {
  if (shared) {
    const codes = new Set<string>();
    for (const x of risks) for (const c of x.measureCodes) codes.add(c);
    return [...codes];
  }
  let n = 0;
  for (const x of risks) n += x.measureCodes.length;
  const out = new Array<string>(n);
  n = 0;
  for (const x of risks) for (const c of x.measureCodes) out[n++] = c;
  return out;
}

/**
 * The register on `today` (YYYY-MM-DD): what is late is judged on that day. `tenant`: the chamber's
 * method in force, shown for a register that has no method and no assessment yet.
 */
export function registerView(
  r: RegisterState,
  today: string,
  tenant?: (RatingMethod & { version: number }) | null,
): RegisterView {
  const method = methodOf(r, tenant);
  const methodRef: RatingMethodRef =
    tenant && !r.method && r.assessments.size === 0
      ? { source: 'ente', version: tenant.version }
      : methodRefOf(r);
  const rank = new Map(method.levels.map((l, i) => [l, i]));
  const dates = r.monitoringDates;
  // Dates are compared once per call, not once per measure.
  const passed = dates.map((d) => d < today);
  // A date with neither report nor check reads the same for every measure: one frozen entry per
  // date, and one frozen list for the measures never reported, shared by all of them (the view is
  // read, never changed; half of a register is typically unreported, and 15,000 entries of 7,500
  // measures were most of what the collector had to move).
  const blank = dates.map((date, i) => Object.freeze({ date, missing: passed[i] as boolean }));
  const unreported = Object.freeze(blank) as MeasureMonitoring[];
  let unreportedLate = false;
  for (let i = 0; i < passed.length; i++) if (passed[i]) unreportedLate = true;

  const statusCount: RegisterSummary['measuresByStatus'] = {
    attuata: 0,
    parzialmente_attuata: 0,
    non_attuata: 0,
    non_rendicontata: 0,
  };
  const byKind = { generale: 0, specifica: 0 };
  let overdue = 0;
  const measuresByRisk = new Map<string, string[]>();
  // Of the exact length, as the other lists.
  const measures = new Array<MeasureView>(r.measures.size);
  let mi = 0;
  // Whether a measure treats more than one risk: only then may a process list a measure twice.
  let shared = false;
  for (const m of r.measures.values()) {
    if (m.riskCodes.length > 1) shared = true;
    for (let k = 0; k < m.riskCodes.length; k++) {
      const rc = m.riskCodes[k] as string;
      const list = measuresByRisk.get(rc);
      if (list) list.push(m.code);
      else measuresByRisk.set(rc, [m.code]);
    }
    const slots = r.monitoring.get(m.code);
    let status: MeasureStatus | null = null;
    let checked = false;
    let missingAny = false;
    let monitoring = unreported;
    if (slots && slots.length > 0) {
      // Of the exact length, as the late phases.
      monitoring = new Array<MeasureMonitoring>(dates.length);
      for (let i = 0; i < dates.length; i++) {
        const date = dates[i] as string;
        let report: MeasureReport | undefined;
        let check: MeasureCheck | undefined;
        for (let k = 0; k < slots.length; k++) {
          const x = slots[k] as MonitoringSlot;
          if (x.date === date) {
            report = x.report;
            check = x.check;
            break;
          }
        }
        const missing = !report && (passed[i] as boolean);
        if (missing) missingAny = true;
        if (check) {
          status = check.status;
          checked = true;
        } else if (report) {
          status = report.status;
          checked = false;
        }
        monitoring[i] =
          report || check ? monitoringAt(date, report, check, missing) : (blank[i] as MeasureMonitoring);
      }
    } else missingAny = unreportedLate;
    const latePhases = status === 'attuata' ? [] : phasesBefore(m.phases, today);
    const late = latePhases.length > 0 || missingAny;
    if (late) overdue += 1;
    statusCount[status ?? 'non_rendicontata'] += 1;
    byKind[m.measureKind] += 1;
    measures[mi++] = measureView(m, status, checked, monitoring, latePhases, late);
  }

  const risksByProcess = new Map<string, RiskView[]>();
  for (const x of r.risks.values()) {
    const view = riskView(x, measuresByRisk.get(x.code) ?? []);
    const list = risksByProcess.get(x.processCode);
    if (list) list.push(view);
    else risksByProcess.set(x.processCode, [view]);
  }
  const ratingCount = new Map<string, number>();
  const processes: ProcessView[] = [];
  for (const p of r.processes.values()) {
    const a = r.assessments.get(p.code);
    const risks = risksByProcess.get(p.code) ?? [];
    const measureCodes = measureCodesOf(risks, shared);
    const needsReassessment =
      !!a &&
      (!rank.has(a.rating) ||
        method.indicators.some((i) => !a.indicators[i.key] || !rank.has(a.indicators[i.key].level)));
    const rating = a && rank.has(a.rating) ? a.rating : null;
    ratingCount.set(rating ?? 'non_valutato', (ratingCount.get(rating ?? 'non_valutato') ?? 0) + 1);
    processes.push({
      ...p,
      rating,
      suggestedRating: a?.suggestedRating ?? null,
      motivation: a?.motivation ?? null,
      indicators: a?.indicators ?? {},
      assessedWith: a?.method ?? null,
      needsReassessment,
      risks,
      measureCodes,
    });
  }
  const order = (rating: string | null): number => (rating === null ? -1 : (rank.get(rating) ?? -1));
  processes.sort(
    (a, b) => order(b.rating) - order(a.rating) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const byRating = [...method.levels]
    .reverse()
    .map((level) => ({ level, processes: ratingCount.get(level) ?? 0 }));
  byRating.push({ level: 'non_valutato', processes: ratingCount.get('non_valutato') ?? 0 });
  return {
    method,
    methodRef,
    monitoringDates: [...r.monitoringDates],
    summary: {
      processes: r.processes.size,
      risks: r.risks.size,
      measures: r.measures.size,
      byRating,
      measuresByStatus: statusCount,
      overdue,
      byKind,
    },
    processes,
    measures,
  };
}

/** A register item (or assessment, or setting) that differs between two versions. */
export interface RegisterChange {
  /** `process`, `risk`, `measure`, `assessment` or `settings` */
  kind: 'process' | 'risk' | 'measure' | 'assessment' | 'settings';
  /** Item code (the process code for an assessment; `method` or `monitoringDates` for settings) */
  code: string;
  /** `added`, `removed` or `changed` */
  change: 'added' | 'removed' | 'changed';
  /** For `changed`: each field with before and after */
  fields?: {
    /** Field path, e.g. `owner.office`, `riskCodes[1]` */
    field: string;
    /** Value before */
    before?: unknown;
    /** Value after */
    after?: unknown;
  }[];
}

/** Differences between two versions of the register's content. */
export function diffRegister(
  before: RegisterContent,
  after: RegisterContent,
): { changes: RegisterChange[]; summary: { added: number; removed: number; changed: number } } {
  const changes: RegisterChange[] = [];
  const compare = <T>(
    kind: RegisterChange['kind'],
    a: readonly T[],
    b: readonly T[],
    code: (x: T) => string,
    strip: (x: T) => unknown = (x) => x,
  ): void => {
    const after = new Map(b.map((x) => [code(x), x]));
    const seen = new Set<string>();
    for (const x of a) {
      const c = code(x);
      seen.add(c);
      const y = after.get(c);
      if (!y) changes.push({ kind, code: c, change: 'removed' });
      else {
        const fields = jsonDiff(strip(x), strip(y)).map((f) => ({
          field: f.path,
          ...('before' in f ? { before: f.before } : {}),
          ...('after' in f ? { after: f.after } : {}),
        }));
        if (fields.length) changes.push({ kind, code: c, change: 'changed', fields });
      }
    }
    for (const y of b) if (!seen.has(code(y))) changes.push({ kind, code: code(y), change: 'added' });
  };
  compare('process', before.processes, after.processes, (x) => x.code);
  compare('risk', before.risks, after.risks, (x) => x.code);
  compare('measure', before.measures, after.measures, (x) => x.code);
  compare(
    'assessment',
    before.assessments,
    after.assessments,
    (x) => x.processCode,
    (x) => ({ indicators: x.indicators, rating: x.rating, motivation: x.motivation }),
  );
  const settings = (c: RegisterContent) => [
    { code: 'method', value: c.method ? { indicators: c.method.indicators, levels: c.method.levels } : null },
    { code: 'monitoringDates', value: c.monitoringDates },
  ];
  compare(
    'settings',
    settings(before),
    settings(after),
    (x) => x.code,
    (x) => x.value,
  );
  const count = (c: RegisterChange['change']) => changes.filter((x) => x.change === c).length;
  return {
    changes,
    summary: { added: count('added'), removed: count('removed'), changed: count('changed') },
  };
}
