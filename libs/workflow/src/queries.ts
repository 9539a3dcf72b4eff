import { Inject, Optional } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  availableCommands,
  blockedCommands,
  cycleDeadlines,
  cycleStatus,
  REFUSALS,
  DomainRefusal,
  monitoredPeriod,
  planLink,
  variationBlock,
  type PlanState,
  type CycleDeadline,
  type CycleLinkRecord,
  type CycleState,
  type TenantTime,
  type TenantTimeOf,
  type TransitionRecord,
} from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { CycleRepository } from './cycle-repository';
import { DefinitionRegistry } from './definition-registry';
import { DEFINITIONS, TENANT_TIMES } from './tokens';
import { PlanRepository } from './plan/plan-repository';

export interface CycleView {
  /** Cycle id (UUID) */
  id: string;
  /** Tenant id */
  tenant: string;
  /** Cycle type (definition id, e.g. `piao`) */
  type: string;
  /** Definition version the cycle is pinned to */
  definitionVersion: number;
  /** Title of the cycle */
  title: string;
  /** First year of the period */
  year: number;
  /** Period label, e.g. `2027-2029` */
  period: string;
  /** Current stage id */
  stage: string;
  /** Current stage, in Italian */
  stageTitle: string;
  /** `open`, `closed` (terminal stage reached) or `cancelled` */
  status: 'open' | 'cancelled' | 'closed';
  /** Stream version (number of events folded) */
  version: number;
  /** When the cycle was opened (ISO 8601) */
  openedAt: string;
  /** Who opened it */
  openedBy: string;
  /** When the last event happened (ISO 8601) */
  lastChangeAt: string;
  /** Roles expected to act next in the current stage. */
  nextActors: string[];
  /** Commands the caller may issue now. */
  availableCommands: string[];
  /**
   * Transitions the caller's roles allow from this stage but a rule holds back now, with the
   * refusal the command would meet (e.g. `ATTACHMENT_REQUIRED`) and its Italian text.
   */
  blockedCommands: {
    /** The command held back */
    command: string;
    /** The refusal it would meet */
    code: string;
    /** Why, in Italian */
    messageIt: string;
  }[];
  /** The cycle's deadlines with legal and effective dates and status */
  deadlines: CycleDeadline[];
  /**
   * The definition's links (docs/links.md): `linked` with the cycle they resolved to (who linked it,
   * when, the target's version then, how: automatically or by command with a reason), or `missing`
   * when no cycle of the tenant fits yet.
   */
  links: CycleLinkView[];
  /** Cycles linking to this one: a Relazione reporting on this PIAO, the budget this PIAO follows... */
  linkedFrom: CycleState['linkedFrom'];
  /**
   * The cycles reporting on this one (a PIAO's Relazioni sulla performance, one per year) and
   * whether the OIV validated each, and when: the fact needed before paying result bonuses
   * (d.lgs. 150/2009 art. 14 c. 6).
   */
  reports: ReportStatus[];
  /** Every transition, oldest first */
  history: TransitionRecord[];
  /** Documents attached, with name, size and SHA-256 */
  attachments: CycleState['attachments'];
  /** Comments, oldest first */
  comments: CycleState['comments'];
  /** Deliberations recorded (organ, number, date, act hash) */
  deliberations: CycleState['deliberations'];
  /** Why the cycle was cancelled */
  cancelledReason?: string;
  /** Present for a time-travel read: the instant or version the state was folded up to. */
  asOf?: string;
  /** Present for a time-travel read by version */
  asOfVersion?: number;
}

export interface ReportStatus {
  /** Year reported on */
  year: number;
  /** The reporting cycle (UUID) */
  cycleId: string;
  /** Its type */
  type: string;
  /** Its title */
  title: string;
  /** Its current stage */
  stage: string;
  /** The OIV's validation (the latest `validation`-kind step), or null while not validated. */
  validated: {
    /** Date of the validation */
    date: string | null;
    /** The OIV's report reference */
    reportReference: string | null;
    /** Who recorded it */
    by: string;
    /** When (ISO 8601) */
    at: string;
  } | null;
  /** The version of this cycle the report's approving deliberation fixed, if any. */
  approvedVersion: number | null;
  /** E.g. "Relazione sulla performance 2027 validata dall'OIV il 15/06/2028". */
  messageIt: string;
}

/** What a reporting cycle says about the cycle it reports on, for `CycleView.reports`. */
export function reportStatus(source: CycleState, linkId: string, definitions: DefinitionRegistry): ReportStatus {
  const def = definitions.get(source.cycleType, source.definitionVersion);
  const validation = [...source.history].reverse().find((h) => h.kind === 'validation' || h.kind === 'refusal');
  const ok = validation?.kind === 'validation' ? validation : undefined;
  const date = ok && typeof ok.fields.date === 'string' ? ok.fields.date : null;
  const it = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  const name = `${def?.title ?? source.cycleType} ${source.periodLabel}`;
  const fixed = Object.hasOwn(source.fixedLinks, linkId) ? source.fixedLinks[linkId] : undefined;
  return {
    year: source.year,
    cycleId: source.cycleId,
    type: source.cycleType,
    title: source.title,
    stage: source.stage,
    validated: ok ? { date, reportReference: typeof ok.fields.reportReference === 'string' ? ok.fields.reportReference : null, by: ok.actorId, at: ok.at } : null,
    approvedVersion: fixed?.targetVersion ?? null,
    messageIt: source.status === 'cancelled' ? `${name} annullata` : ok ? `${name} validata dall'OIV il ${it(date ?? ok.at.slice(0, 10))}` : `${name} non ancora validata dall'OIV`,
  };
}

export interface CycleLinkView {
  /** The link of the definition */
  id: string;
  /** The link, in Italian */
  title: string;
  /** `reports_on`, `measures_and_varies` or `follows` */
  relation: string;
  /** The target cycle type. */
  type: string;
  /** How a target fits: `same` year, or a period `covering` this cycle's year. */
  year: string;
  /** `linked` or `missing` (no cycle fits yet) */
  status: 'linked' | 'missing';
  /** The cycle it is linked to */
  target?: CycleLinkRecord;
  /** The target's version fixed by this cycle's latest deliberation (what the organ approved). */
  fixed?: CycleState['fixedLinks'][string];
  /** For a link acting on the target's plan (a monitoring of the PIAO): the period and the variation on that plan. */
  plan?: LinkedPlanView;
}

/** What a monitoring cycle did on the linked PIAO's plan (docs/links.md). */
export interface LinkedPlanView {
  /** The measurement period this cycle monitors, e.g. `2027-S1` */
  period: string;
  /** On the linked plan: `open`, `closed`, or `not_opened` (no PIAO linked, or not recorded) */
  periodStatus: 'open' | 'closed' | 'not_opened';
  /** When the period was last closed (ISO 8601) */
  periodClosedAt?: string;
  /** The variation of the linked plan this cycle opened (the latest), or null */
  variation: LinkedVariationView | null;
  /** The state in Italian, e.g. "Periodo 2027-S1 del PIAO chiuso" or "Nessun PIAO collegato" */
  messageIt: string;
}

export interface LinkedVariationView {
  /** Its number in the plan (1, 2...) */
  number: number;
  /** `open`, `approved` or `withdrawn` */
  status: 'open' | 'approved' | 'withdrawn';
  /** Why it was opened */
  reason: string;
  /** When opened (ISO 8601) */
  openedAt: string;
  /** Tree edits made in it */
  changes: number;
  /** The Giunta deliberation that approved it */
  deliberation?: {
    /** The organ (`giunta`) */
    organ: string;
    /** Deliberation number */
    number: string;
    /** Deliberation date (YYYY-MM-DD) */
    date: string;
  };
}

const periodIt = { open: 'aperto', closed: 'chiuso', not_opened: 'non aperto' } as const;

/** The linked plan's period and variation for a monitoring cycle's link. */
export function linkedPlanView(cycleId: string, period: string, plan: PlanState | null): LinkedPlanView {
  if (!plan) return { period, periodStatus: 'not_opened', variation: null, messageIt: `Nessun PIAO collegato: il periodo ${period} non è aperto` };
  const p = plan.monitoringPeriods.find((x) => x.monitoringCycleId === cycleId && x.period === period);
  const v = [...plan.variations].reverse().find((x) => x.monitoringCycleId === cycleId);
  const periodStatus = p?.status ?? 'not_opened';
  return {
    period,
    periodStatus,
    ...(p?.closedAt && p.status === 'closed' ? { periodClosedAt: p.closedAt } : {}),
    variation: v
      ? {
          number: v.number,
          status: v.status,
          reason: v.reason,
          openedAt: v.openedAt,
          changes: v.changes,
          ...(v.deliberation ? { deliberation: { organ: v.deliberation.organ, number: v.deliberation.number, date: v.deliberation.date } } : {}),
        }
      : null,
    messageIt: `Periodo di misurazione ${period} del PIAO ${periodIt[periodStatus]}`,
  };
}

export class GetCycleQuery {
  constructor(
    readonly actor: Actor,
    readonly cycleId: string,
    readonly at: { asOf?: Date; version?: number } = {},
  ) {}
}

/** Builds the caller's view of a cycle: state, available commands and deadlines (with the tenant's calendar and time zone). */
export function cycleView(state: CycleState, actor: Actor, definitions: DefinitionRegistry, now: Date, tenantTime: TenantTime): CycleView {
  const def = definitions.get(state.cycleType, state.definitionVersion);
  if (!def) throw new DomainRefusal('CYCLE_NOT_FOUND', `definition ${state.cycleType} v${state.definitionVersion} is not loaded`);
  const stage = def.stages.find((s) => s.id === state.stage);
  return {
    id: state.cycleId,
    tenant: state.tenant,
    type: state.cycleType,
    definitionVersion: state.definitionVersion,
    title: state.title,
    year: state.year,
    period: state.periodLabel,
    stage: state.stage,
    stageTitle: stage?.title ?? state.stage,
    status: cycleStatus(state, def),
    version: state.version,
    openedAt: state.openedAt,
    openedBy: state.openedBy,
    lastChangeAt: state.lastChangeAt,
    nextActors: state.status === 'cancelled' ? [] : [...(stage?.actors ?? [])],
    availableCommands: availableCommands(state, { actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles }, now, definition: def, checkSurveyGrid: def.content === 'survey_grid' }),
    blockedCommands: blockedCommands(state, { actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles }, now, definition: def, checkSurveyGrid: def.content === 'survey_grid' }).map((b) => ({
      ...b,
      messageIt: REFUSALS[b.code].it,
    })),
    deadlines: cycleDeadlines(state, def, now, tenantTime),
    links: def.links.map((l) => {
      const target = Object.hasOwn(state.links, l.id) ? state.links[l.id] : undefined;
      const fixed = Object.hasOwn(state.fixedLinks, l.id) ? state.fixedLinks[l.id] : undefined;
      return { id: l.id, title: l.title, relation: l.relation, type: l.type, year: l.year, status: target ? 'linked' : 'missing', ...(target ? { target } : {}), ...(fixed ? { fixed } : {}) };
    }),
    linkedFrom: state.linkedFrom,
    reports: [],
    history: state.history,
    attachments: state.attachments,
    comments: state.comments,
    deliberations: state.deliberations,
    ...(state.cancelledReason ? { cancelledReason: state.cancelledReason } : {}),
  };
}

@QueryHandler(GetCycleQuery)
export class GetCycleHandler implements IQueryHandler<GetCycleQuery, CycleView> {
  constructor(
    private readonly repo: CycleRepository,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    @Inject(TENANT_TIMES) private readonly tenantTime: TenantTimeOf,
    @Optional() private readonly plans?: PlanRepository,
  ) {}

  async execute(q: GetCycleQuery): Promise<CycleView> {
    const { state } = await this.repo.load(q.actor.tenant, q.cycleId, { until: q.at.asOf, toVersion: q.at.version });
    if (!state.exists) throw new DomainRefusal('CYCLE_NOT_FOUND');
    const view = cycleView(state, q.actor, this.definitions, q.at.asOf ?? new Date(), this.tenantTime(state.tenant));
    // The cycles reporting on this one, read by id from the links recorded on it (no search).
    for (const from of state.linkedFrom.filter((l) => l.relation === 'reports_on')) {
      const { state: source } = await this.repo.load(q.actor.tenant, from.sourceCycleId);
      if (source.exists) view.reports.push(reportStatus(source, from.linkId, this.definitions));
    }
    view.reports.sort((a, b) => a.year - b.year);
    // A monitoring's period and variation, read from the linked PIAO's plan.
    const def = this.definitions.get(state.cycleType, state.definitionVersion);
    const link = def ? planLink(def) : undefined;
    const lv = link && view.links.find((l) => l.id === link.id);
    if (def && link && lv && this.plans) {
      const target = lv.target ? await this.plans.load(q.actor.tenant, lv.target.targetCycleId, { until: q.at.asOf }) : null;
      const found = target?.cycle.exists ? target : null;
      lv.plan = linkedPlanView(state.cycleId, monitoredPeriod(link.plan, state.year), found?.plan ?? null);
      // A variation transition the PIAO would refuse now is shown held back, with why.
      for (const command of [...view.availableCommands]) {
        const code = variationBlock(def, state.cycleId, command, found ? { plan: found.plan, cancelled: found.cycle.status === 'cancelled' } : null);
        if (!code) continue;
        view.availableCommands = view.availableCommands.filter((c) => c !== command);
        view.blockedCommands.push({ command, code, messageIt: REFUSALS[code].it });
      }
    }
    if (q.at.asOf) view.asOf = q.at.asOf.toISOString();
    if (q.at.version) view.asOfVersion = state.version;
    if (q.at.asOf || q.at.version) {
      view.availableCommands = [];
      view.blockedCommands = [];
    }
    return view;
  }
}
