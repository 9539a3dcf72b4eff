import { Inject, Optional } from '@nestjs/common';
import {
  DomainRefusal,
  diffRegister,
  editability,
  initialRegisterState,
  isoDateAt,
  REGISTER_CYCLE_TYPES,
  registerContent,
  registerSubmissionProblems,
  registerView,
  restoreRegisterContent,
  rpctAnnualReport,
  planYears,
  type RpctReportRow,
  type CycleState,
  type PlanProblem,
  type PlanState,
  type RegisterChange,
  type RegisterContent,
  type RegisterState,
  type RegisterView,
} from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { DefinitionRegistry } from '../definition-registry';
import { DEFINITIONS } from '../tokens';
import type { PlanRef } from './plan-queries';
import { PlanRepository } from './plan-repository';
import { RatingMethodRepository } from './rating-method';

export interface RegisterViewQuery {
  /** The register at an instant or stream version; default now. */
  at?: { asOf?: Date; version?: number };
  /** `adopted`: the register as adopted (monitoring as it is now). */
  tree?: 'current' | 'adopted';
  /** Day on which lateness is judged (default: today, or the `asOf` day). */
  date?: string;
}

export interface RegisterResponse extends RegisterView {
  /** Cycle id (UUID) */
  cycleId: string;
  /** Cycle type (`ptpct` or `piao`) */
  type: string;
  /** Title of the cycle */
  title: string;
  /** Current stage id */
  stage: string;
  /** The stage's title (Italian) */
  stageTitle: string;
  /** Stream version */
  version: number;
  /** For a time-travel read: the instant */
  asOf?: string;
  /** `current` or `adopted` */
  tree: 'current' | 'adopted';
  /** Day lateness is judged on */
  date: string;
  /** May the register be edited now */
  editable: boolean;
  /** Why not, when not */
  notEditableBecause?: {
    /** Refusal code */
    code: string;
    /** Why, in Italian */
    message: string;
  };
  /** The adoption, once adopted */
  adopted: PlanState['adopted'];
  /** What would stop a submission now */
  problems: PlanProblem[];
}

export interface RegisterDiffResponse {
  /** The version compared from */
  from: {
    /** `adopted`, `current`, `v<version>` or the instant */
    ref: string;
    /** Stream version */
    version: number;
  };
  /** The version compared to */
  to: {
    /** `adopted`, `current`, `v<version>` or the instant */
    ref: string;
    /** Stream version */
    version: number;
  };
  /** Each item that differs */
  changes: RegisterChange[];
  /** How many added, removed, changed */
  summary: {
    /** Items added */
    added: number;
    /** Items removed */
    removed: number;
    /** Items changed */
    changed: number;
  };
}

/** The RPCT's annual report with what its document prints (libs/documents rpct-report-pdf.ts). */
export interface RpctReportContent {
  rows: RpctReportRow[];
  year: number;
  date: string;
  name: string;
  register: RegisterView;
  cycle: { title: string; kind: string; period: string; version: number; stageTitle: string };
  adoption: { organ: string; number: string; date: string } | null;
  asOf: Date;
}

/** The register state with the content of `content` and the monitoring of `monitoring`. */
function withContent(content: RegisterContent, monitoring: RegisterState): RegisterState {
  const r = initialRegisterState();
  restoreRegisterContent(r, content);
  r.reports = monitoring.reports;
  r.checks = monitoring.checks;
  r.monitoring = monitoring.monitoring;
  return r;
}

/** Reads of a cycle's risk register: by process and rating, measure status, time travel, diffs. */
export class RegisterQueries {
  constructor(
    private readonly repo: PlanRepository,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    @Optional() private readonly methods?: RatingMethodRepository,
  ) {}

  private async loadAt(
    actor: Actor,
    cycleId: string,
    at: { asOf?: Date; version?: number } = {},
  ): Promise<{ cycle: CycleState; plan: PlanState }> {
    const { cycle, plan } = await this.repo.load(actor.tenant, cycleId, {
      until: at.asOf,
      toVersion: at.version,
    });
    if (!cycle.exists || cycle.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
    if (!REGISTER_CYCLE_TYPES.includes(cycle.cycleType))
      throw new DomainRefusal('REGISTER_NOT_IN_CYCLE', cycle.cycleType);
    return { cycle, plan };
  }

  async view(actor: Actor, cycleId: string, q: RegisterViewQuery = {}): Promise<RegisterResponse> {
    const { cycle, plan } = await this.loadAt(actor, cycleId, q.at);
    const def = this.definitions.get(cycle.cycleType, cycle.definitionVersion);
    if (!def)
      throw new DomainRefusal(
        'CYCLE_NOT_FOUND',
        `definition ${cycle.cycleType} v${cycle.definitionVersion} is not loaded`,
      );
    const tree = q.tree ?? 'current';
    let register = plan.register;
    if (tree === 'adopted') {
      if (!plan.adoptedRegister) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}"`);
      register = withContent(plan.adoptedRegister, plan.register);
    }
    const date = q.date ?? isoDateAt(q.at?.asOf ?? new Date(), 'Europe/Rome');
    const e = editability(plan, cycle, { definition: def });
    const timeTravel = !!(q.at?.asOf || q.at?.version);
    // A register not rated yet shows the chamber's method its first assessment will pin.
    const tenantMethod = tree === 'current' && !timeTravel ? await this.methods?.current(actor.tenant) : null;
    return {
      cycleId: cycle.cycleId,
      type: cycle.cycleType,
      title: cycle.title,
      stage: cycle.stage,
      stageTitle: def.stages.find((s) => s.id === cycle.stage)?.title ?? cycle.stage,
      version: cycle.version,
      ...(q.at?.asOf ? { asOf: q.at.asOf.toISOString() } : {}),
      tree,
      date,
      editable: !timeTravel && tree === 'current' && e.editable,
      ...(!e.editable ? { notEditableBecause: { code: e.refusal.code, message: e.refusal.messageIt } } : {}),
      adopted: plan.adopted,
      problems: tree === 'current' ? registerSubmissionProblems(register) : [],
      ...registerView(register, date, tenantMethod),
    };
  }

  private async contentAt(
    actor: Actor,
    cycleId: string,
    ref: PlanRef,
  ): Promise<{ content: RegisterContent; version: number; label: string }> {
    if (ref === 'current' || ref === 'adopted') {
      const { plan, cycle } = await this.loadAt(actor, cycleId);
      if (ref === 'current')
        return { content: registerContent(plan.register), version: cycle.version, label: 'current' };
      if (!plan.adoptedRegister || !plan.adopted)
        throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}"`);
      return { content: plan.adoptedRegister, version: plan.adopted.version, label: 'adopted' };
    }
    const { plan, cycle } = await this.loadAt(
      actor,
      cycleId,
      'version' in ref ? { version: ref.version } : { asOf: ref.at },
    );
    return {
      content: registerContent(plan.register),
      version: cycle.version,
      label: 'version' in ref ? `v${ref.version}` : ref.at.toISOString(),
    };
  }

  async diff(actor: Actor, cycleId: string, from: PlanRef, to: PlanRef): Promise<RegisterDiffResponse> {
    const a = await this.contentAt(actor, cycleId, from);
    const b = await this.contentAt(actor, cycleId, to);
    return {
      from: { ref: a.label, version: a.version },
      to: { ref: b.label, version: b.version },
      ...diffRegister(a.content, b.content),
    };
  }

  /**
   * The RPCT's annual report on `year` (default: this year when the plan covers it, else its first
   * year), pre-filled from the register and the monitoring as of 31 December (or today, when the
   * year is not over).
   */
  async rpctReport(
    actor: Actor,
    cycleId: string,
    year?: number,
  ): Promise<{ rows: RpctReportRow[]; year: number; date: string; name: string }> {
    const { rows, year: y, date, name } = await this.rpctReportContent(actor, cycleId, year);
    return { rows, year: y, date, name };
  }

  /**
   * What the RPCT's annual report prints: its rows, the register on the report's day, the plan and
   * its adoption, and the time of the cycle's last event (the document's date).
   */
  async rpctReportContent(actor: Actor, cycleId: string, year?: number): Promise<RpctReportContent> {
    const { cycle, plan } = await this.loadAt(actor, cycleId);
    const def = this.definitions.get(cycle.cycleType, cycle.definitionVersion);
    const years = def ? planYears(cycle.year, def.period) : [cycle.year];
    const today = isoDateAt(new Date(), 'Europe/Rome');
    const thisYear = Number(today.slice(0, 4));
    const y = year ?? (years.includes(thisYear) ? thisYear : years[0]);
    if (!years.includes(y))
      throw new DomainRefusal(
        'PLAN_INVALID_FIELDS',
        `year ${y} is not a year of the plan (${years.join(', ')})`,
        [{ field: 'query.year', problem: `must be a year of the plan (${years.join(', ')})` }],
        `anno ${y} fuori dal piano (${years.join(', ')})`,
      );
    const end = `${y}-12-31`;
    const date = today < end ? today : end;
    const adoption = plan.adopted?.deliberation;
    return {
      rows: rpctAnnualReport(plan.register, y, date),
      year: y,
      date,
      name: `relazione-rpct-${y}`,
      register: registerView(plan.register, date),
      cycle: {
        title: cycle.title,
        kind: cycle.cycleType.toUpperCase(),
        period: years.length > 1 ? `${years[0]}-${years[years.length - 1]}` : String(years[0]),
        version: cycle.version,
        stageTitle: def?.stages.find((s) => s.id === cycle.stage)?.title ?? cycle.stage,
      },
      adoption: adoption ? { organ: adoption.organ, number: adoption.number, date: adoption.date } : null,
      asOf: new Date(cycle.lastChangeAt),
    };
  }
}
