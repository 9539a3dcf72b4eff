import { Inject } from '@nestjs/common';
import {
  DomainRefusal,
  diffPlanNodes,
  editability,
  initialRegisterState,
  isoDateAt,
  NARRATIVE_SECTIONS,
  narrativeEditability,
  isRegisterEmpty,
  registerView,
  restoreRegisterContent,
  type RegisterContent,
  type RegisterState,
  planSubmissionProblems,
  planTreeView,
  planYears,
  openVariation,
  type CycleState,
  type DecisionContext,
  type PlanMonitoringPeriod,
  type IsoDate,
  type PlanDiff,
  type PlanNode,
  type PlanProblem,
  type PlanState,
  type PlanTreeView,
  type PlanVariation,
} from '@ciclo/domain';
import type { PiaoInput, PiaoRiskRegister } from '@ciclo/documents';
import type { Actor } from '@ciclo/identity';
import { DefinitionRegistry } from '../definition-registry';
import { DEFINITIONS } from '../tokens';
import { PlanRepository } from './plan-repository';
import { planWorkbook } from './plan-workbook';
import { planSheet } from './spreadsheet';
import type { Cell } from './xlsx';

function withRegisterContent(content: RegisterContent): RegisterState {
  const r = initialRegisterState();
  restoreRegisterContent(r, content);
  return r;
}

/** The register as section 2.3 of the PIAO prints it: processes highest rating first, measures with their risks. */
function piaoRiskRegister(register: RegisterState, date: string): PiaoRiskRegister {
  const v = registerView(register, date);
  return {
    processes: v.processes.map((p) => ({
      code: p.code,
      title: p.title,
      ...(p.area ? { area: p.area } : {}),
      ...(p.office ? { office: p.office } : {}),
      rating: p.rating,
      motivation: p.motivation,
      risks: p.risks.map((r) => r.description),
    })),
    measures: v.measures.map((m) => ({ code: m.code, title: m.title, measureKind: m.measureKind, category: m.category, riskCodes: m.riskCodes, owner: m.owner, phases: m.phases, indicator: m.indicator, target: m.target })),
  };
}

/** Which tree: the current one, as adopted, at a stream version (`v12`) or at an instant (ISO 8601). */
export type PlanRef = 'current' | 'adopted' | { version: number } | { at: Date };

export function parsePlanRef(text: string | undefined, fallback: PlanRef): PlanRef | null {
  if (text === undefined || text === '') return fallback;
  if (text === 'current' || text === 'adopted') return text;
  const v = /^v(\d{1,9})$/.exec(text);
  if (v) return { version: Number(v[1]) };
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text))) return { at: new Date(text) };
  return null;
}

export interface PlanViewQuery {
  /** The tree at an instant or stream version; default now. */
  at?: { asOf?: Date; version?: number };
  /** `adopted`: the tree as the Giunta adopted it (measurements as they are now). */
  tree?: 'current' | 'adopted';
  /** Year of the achievement; default the current year when the plan covers it, else its first year. */
  year?: number;
  /** Variance flags on that day; `auto`: today when the year is the current one, 31 December of a past year, none for a future year. */
  monitoringDate?: IsoDate | 'auto';
}

export interface PlanResponse {
  /** Cycle id (UUID) */
  cycleId: string;
  /** Cycle type */
  type: string;
  /** Title of the cycle */
  title: string;
  /** Period label */
  period: string;
  /** Years the plan covers */
  planYears: number[];
  /** Current stage id */
  stage: string;
  /** The stage's title in the definition (Italian). */
  stageTitle: string;
  /** Titles of the stages in which the definition lets the tree be edited. */
  editableStageTitles: string[];
  /** Plan stream version */
  version: number;
  /** For a time-travel read: the instant */
  asOf?: string;
  /** For a time-travel read: the version */
  asOfVersion?: number;
  /** `current` or `adopted` */
  tree: 'current' | 'adopted';
  /** May the tree be edited now (stage, adoption, variation), and if not why. */
  editable: boolean;
  /** Why not, when not */
  notEditableBecause?: {
    /** Refusal code */
    code: string;
    /** Why, in Italian */
    message: string;
  };
  /** The adoption (deliberation and version), once adopted */
  adopted: PlanState['adopted'];
  /** Variations of the adopted plan */
  variations: PlanVariation[];
  /** Years whose measurements are closed */
  closedYears: number[];
  /** Periods opened and closed by the monitoring cycles linked to this plan (a closed one refuses its measurements) */
  monitoringPeriods: PlanMonitoringPeriod[];
  /** The SMVP scoring rules */
  scoring: PlanState['scoring'];
  /** How many nodes of each kind and measurements */
  counts: {
    /** Ambiti strategici */
    ambiti: number;
    /** Strategic objectives */
    strategicObjectives: number;
    /** Operational objectives */
    operationalObjectives: number;
    /** Indicators */
    indicators: number;
    /** Measurements recorded */
    measurements: number;
  };
  /** What would stop a submission now (every problem). */
  problems: PlanProblem[];
  /** The narrative sections of this cycle type, in document order, with the text written so far (Markdown). */
  narratives: {
    /** Section id (`2.1`, `3.1`... for the PIAO; `sintesi`, `scostamenti` for the Relazione) */
    section: string;
    /** The section's title (Italian) */
    title: string;
    /** The text in Markdown; empty while not written */
    text: string;
    /** Who wrote it last */
    by?: string;
    /** When (ISO 8601) */
    at?: string;
    /** Stream version of the writing */
    version?: number;
  }[];
  /** May the narrative sections be written now (editable stages), and if not why. */
  narrativesEditable: boolean;
  /** The tree with achievement for the year */
  achievement: PlanTreeView;
}

function counts(nodes: readonly PlanNode[], measurements: number): PlanResponse['counts'] {
  const c = { ambiti: 0, strategicObjectives: 0, operationalObjectives: 0, indicators: 0, measurements };
  for (const n of nodes) {
    if (n.kind === 'ambito') c.ambiti++;
    else if (n.kind === 'strategic_objective') c.strategicObjectives++;
    else if (n.kind === 'operational_objective') c.operationalObjectives++;
    else c.indicators++;
  }
  return c;
}

/** One indicator whose achievement for the year reported on changed since the approval. */
export interface LinkedPlanDifference {
  /** Indicator code */
  code: string;
  /** The indicator's name. */
  name: string;
  /** Score and value in the approved version */
  approved: {
    /** Achievement */
    score: number | null;
    /** Value measured */
    actual: unknown;
  };
  /** Score and value now */
  current: {
    /** Achievement */
    score: number | null;
    /** Value measured */
    actual: unknown;
  };
}

/** The plan of a linked cycle as the linking cycle reads it (docs/links.md): a Relazione reading its PIAO. */
export interface LinkedPlanResponse {
  /** The linking cycle (UUID) */
  cycleId: string;
  /** The link */
  linkId: string;
  /** `reports_on` or `measures_and_varies` */
  relation: string;
  /** The year reported on or measured: the linking cycle's year. */
  year: number;
  /** The linked cycle whose plan this is */
  target: {
    /** Cycle id (UUID) */
    cycleId: string;
    /** Cycle type */
    type: string;
    /** Title */
    title: string;
    /** Period label */
    period: string;
    /** Its stream version now */
    version: number;
  };
  /** The target's plan now, with the achievement for `year`. */
  current: PlanResponse;
  /** The target's plan at the version the linking cycle's approving deliberation fixed, if any. */
  approved: {
    /** The target's version fixed */
    version: number;
    /** The deliberation event that fixed it */
    event: string;
    /** When (ISO 8601) */
    at: string;
    /** The plan at that version */
    plan: PlanResponse;
  } | null;
  /** Indicators whose score or actual value for `year` differ between the approved version and now. */
  differences: LinkedPlanDifference[];
}

type Indicators = Map<string, { name: string; score: number | null; actual: unknown }>;

function indicatorsOf(view: PlanTreeView): Indicators {
  const out: Indicators = new Map();
  for (const a of view.ambiti)
    for (const so of a.strategicObjectives)
      for (const oo of so.operationalObjectives) for (const i of oo.indicators) out.set(i.code, { name: i.name, score: i.achievement.score, actual: i.achievement.actual ?? null });
  return out;
}

/** Reads of a cycle's plan: the tree with achievement, time travel, diffs, exports. */
export class PlanQueries {
  constructor(
    private readonly repo: PlanRepository,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
  ) {}

  private async loadAt(actor: Actor, cycleId: string, at: { asOf?: Date; version?: number } = {}): Promise<{ cycle: CycleState; plan: PlanState }> {
    const { cycle, plan } = await this.repo.load(actor.tenant, cycleId, { until: at.asOf, toVersion: at.version });
    if (!cycle.exists || cycle.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
    return { cycle, plan };
  }

  private definitionOf(cycle: CycleState) {
    const def = this.definitions.get(cycle.cycleType, cycle.definitionVersion);
    if (!def) throw new DomainRefusal('CYCLE_NOT_FOUND', `definition ${cycle.cycleType} v${cycle.definitionVersion} is not loaded`);
    return def;
  }

  /** The stage of the monitoring cycle whose variation is open, which decides whether the tree may be edited. */
  private async variationOwner(actor: Actor, plan: PlanState): Promise<DecisionContext['variationOwner']> {
    const owner = openVariation(plan)?.monitoringCycleId;
    if (!owner) return undefined;
    const { cycle } = await this.repo.load(actor.tenant, owner);
    const def = cycle.exists ? this.definitions.get(cycle.cycleType, cycle.definitionVersion) : undefined;
    return { cycleId: owner, stage: cycle.stage, editableStages: def?.editableStages ?? [] };
  }

  async view(actor: Actor, cycleId: string, q: PlanViewQuery = {}): Promise<PlanResponse> {
    const { cycle, plan } = await this.loadAt(actor, cycleId, q.at);
    const def = this.definitionOf(cycle);
    const years = planYears(cycle.year, def.period);
    const thisYear = Number(isoDateAt(q.at?.asOf ?? new Date(), 'Europe/Rome').slice(0, 4));
    const year = q.year ?? (years.includes(thisYear) ? thisYear : years[0]);
    const tree = q.tree ?? 'current';
    const today = isoDateAt(q.at?.asOf ?? new Date(), 'Europe/Rome');
    const monitoringDate = q.monitoringDate !== 'auto' ? q.monitoringDate : year < thisYear ? (`${year}-12-31` as IsoDate) : year === thisYear ? today : undefined;
    let nodes: PlanNode[];
    if (tree === 'adopted') {
      if (!plan.adoptedNodes) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}"`);
      nodes = plan.adoptedNodes;
    } else nodes = [...plan.nodes.values()];
    const e = editability(plan, cycle, { definition: def, variationOwner: await this.variationOwner(actor, plan) });
    const timeTravel = !!(q.at?.asOf || q.at?.version);
    const narrativeGate = narrativeEditability(plan, cycle, { definition: def });
    return {
      cycleId: cycle.cycleId,
      type: cycle.cycleType,
      title: cycle.title,
      period: cycle.periodLabel,
      planYears: years,
      stage: cycle.stage,
      stageTitle: def.stages.find((s) => s.id === cycle.stage)?.title ?? cycle.stage,
      editableStageTitles: (def.editableStages ?? []).map((id) => def.stages.find((s) => s.id === id)?.title ?? id),
      version: cycle.version,
      ...(q.at?.asOf ? { asOf: q.at.asOf.toISOString() } : {}),
      ...(q.at?.version ? { asOfVersion: cycle.version } : {}),
      tree,
      editable: !timeTravel && tree === 'current' && e.editable,
      ...(!e.editable ? { notEditableBecause: { code: e.refusal.code, message: e.refusal.message } } : {}),
      adopted: plan.adopted,
      variations: plan.variations,
      closedYears: plan.closedYears,
      monitoringPeriods: plan.monitoringPeriods,
      scoring: plan.scoring,
      counts: counts(nodes, plan.measurements.length),
      problems: tree === 'current' ? planSubmissionProblems(plan, cycle, def) : [],
      narratives: (NARRATIVE_SECTIONS[cycle.cycleType] ?? []).map((n) => {
        const w = Object.hasOwn(plan.narratives, n.id) ? plan.narratives[n.id] : undefined;
        return { section: n.id, title: n.title, text: w?.text ?? '', ...(w ? { by: w.by, at: w.at, version: w.version } : {}) };
      }),
      narrativesEditable: !timeTravel && narrativeGate.editable,
      achievement: planTreeView(nodes, plan.measurements, {
        year,
        rules: plan.scoring?.rules ?? {},
        ...(monitoringDate ? { monitoringDate } : {}),
      }),
    };
  }

  /**
   * The plan of the cycle a link names, for the linking cycle's year: now, and as fixed by the
   * linking cycle's approving deliberation, with the indicators that differ (a measurement
   * corrected after the Giunta approved the Relazione shows here, not as a silent change).
   */
  async linkedPlan(actor: Actor, cycleId: string, linkId: string): Promise<LinkedPlanResponse> {
    const { cycle } = await this.loadAt(actor, cycleId);
    const def = this.definitionOf(cycle);
    const link = def.links.find((l) => l.id === linkId);
    if (!link) {
      throw new DomainRefusal('UNKNOWN_LINK', `${linkId} (links: ${def.links.map((l) => l.id).join(', ') || 'none'})`, [
        { field: 'path.linkId', problem: `must be one of: ${def.links.map((l) => l.id).join(', ') || '(none)'}` },
      ]);
    }
    const resolved = Object.hasOwn(cycle.links, link.id) ? cycle.links[link.id] : undefined;
    if (!resolved) throw new DomainRefusal('LINK_MISSING', link.id);
    const current = await this.view(actor, resolved.targetCycleId, { year: cycle.year });
    const fixed = Object.hasOwn(cycle.fixedLinks, link.id) ? cycle.fixedLinks[link.id] : undefined;
    const approvedPlan = fixed && fixed.targetCycleId === resolved.targetCycleId ? await this.view(actor, resolved.targetCycleId, { year: cycle.year, at: { version: fixed.targetVersion } }) : null;
    const differences: LinkedPlanDifference[] = [];
    if (approvedPlan) {
      const before = indicatorsOf(approvedPlan.achievement);
      const now = indicatorsOf(current.achievement);
      for (const code of [...new Set([...before.keys(), ...now.keys()])].sort()) {
        const a = before.get(code);
        const b = now.get(code);
        if (a && b && a.score === b.score && JSON.stringify(a.actual) === JSON.stringify(b.actual)) continue;
        differences.push({
          code,
          name: (b ?? a)?.name ?? code,
          approved: { score: a?.score ?? null, actual: a?.actual ?? null },
          current: { score: b?.score ?? null, actual: b?.actual ?? null },
        });
      }
    }
    return {
      cycleId,
      linkId: link.id,
      relation: link.relation,
      year: cycle.year,
      target: { cycleId: current.cycleId, type: current.type, title: current.title, period: current.period, version: current.version },
      current,
      approved: approvedPlan && fixed ? { version: fixed.targetVersion, event: fixed.event, at: fixed.at, plan: approvedPlan } : null,
      differences,
    };
  }

  private async nodesAt(actor: Actor, cycleId: string, ref: PlanRef): Promise<{ nodes: PlanNode[]; version: number; label: string }> {
    if (ref === 'current' || ref === 'adopted') {
      const { plan, cycle } = await this.loadAt(actor, cycleId);
      if (ref === 'current') return { nodes: [...plan.nodes.values()], version: cycle.version, label: 'current' };
      if (!plan.adoptedNodes || !plan.adopted) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}"`);
      return { nodes: plan.adoptedNodes, version: plan.adopted.version, label: 'adopted' };
    }
    const { plan, cycle } = await this.loadAt(actor, cycleId, 'version' in ref ? { version: ref.version } : { asOf: ref.at });
    return { nodes: [...plan.nodes.values()], version: cycle.version, label: 'version' in ref ? `v${ref.version}` : ref.at.toISOString() };
  }

  async diff(actor: Actor, cycleId: string, from: PlanRef, to: PlanRef): Promise<PlanDiff & { from: { ref: string; version: number }; to: { ref: string; version: number } }> {
    const a = await this.nodesAt(actor, cycleId, from);
    const b = await this.nodesAt(actor, cycleId, to);
    return { from: { ref: a.label, version: a.version }, to: { ref: b.label, version: b.version }, ...diffPlanNodes(a.nodes, b.nodes) };
  }

  /** The indicator sheet (CSV/XLSX export): the same columns the import reads. */
  async sheet(actor: Actor, cycleId: string, tree: 'current' | 'adopted' = 'current'): Promise<{ rows: Cell[][]; name: string }> {
    const { cycle, plan } = await this.loadAt(actor, cycleId);
    const def = this.definitionOf(cycle);
    const nodes = tree === 'adopted' ? plan.adoptedNodes : [...plan.nodes.values()];
    if (!nodes) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}"`);
    return { rows: planSheet(nodes, planYears(cycle.year, def.period)), name: `${cycle.cycleType}-${cycle.periodLabel}` };
  }

  /**
   * What the PIAO PDF prints (all but the chamber's registry data), from the cycle's events up to
   * now, a stream version or an instant. The tree is the one in force then: as adopted (or as
   * varied) once adopted, the draft before. The creation date is the time of the last event read.
   */
  async piaoContent(actor: Actor, cycleId: string, at: { asOf?: Date; version?: number } = {}): Promise<Omit<PiaoInput, 'chamber'>> {
    const { cycle, plan } = await this.loadAt(actor, cycleId, at);
    if (cycle.cycleType !== 'piao') throw new DomainRefusal('DOCUMENT_NOT_FOR_CYCLE_TYPE', `cycle ${cycleId} is a ${cycle.cycleType}, not a PIAO`);
    const def = this.definitionOf(cycle);
    const openVariation = plan.variations.some((v) => v.status === 'open');
    // During an open variation the document stays the one in force (the adopted tree as last approved).
    const nodes = plan.adopted && openVariation && plan.adoptedNodes ? plan.adoptedNodes : [...plan.nodes.values()];
    const register = plan.adopted && openVariation && plan.adoptedRegister ? withRegisterContent(plan.adoptedRegister) : plan.register;
    const last = [cycle.lastChangeAt, plan.lastChangeAt].filter(Boolean).sort().at(-1) ?? cycle.openedAt;
    return {
      cycle: { title: cycle.title, period: cycle.periodLabel, years: planYears(cycle.year, def.period), version: cycle.version, stageTitle: def.stages.find((s) => s.id === cycle.stage)?.title ?? cycle.stage },
      adoption: plan.adopted ? { organ: plan.adopted.deliberation.organ, number: plan.adopted.deliberation.number, date: plan.adopted.deliberation.date } : null,
      variations: plan.variations
        .filter((v) => v.status === 'approved')
        .map((v) => ({ number: v.number, reason: v.reason, ...(v.deliberation ? { deliberation: { organ: v.deliberation.organ, number: v.deliberation.number, date: v.deliberation.date } } : {}) })),
      nodes,
      attachments: cycle.attachments.map((a) => ({ name: a.name, sha256: a.sha256, at: a.at })),
      measurements: plan.measurements.length,
      narratives: Object.fromEntries(Object.entries(plan.narratives).map(([k, v]) => [k, v.text])),
      ...(isRegisterEmpty(register) ? {} : { riskRegister: piaoRiskRegister(register, isoDateAt(new Date(last), 'Europe/Rome')) }),
      asOf: new Date(last),
    };
  }

  /** The XLSX workbook: typed indicator sheet with measurements and achievement per year (plan-workbook.ts). */
  async workbook(actor: Actor, cycleId: string, tree: 'current' | 'adopted' = 'current'): Promise<{ file: Buffer; name: string }> {
    const { cycle, plan } = await this.loadAt(actor, cycleId);
    const def = this.definitionOf(cycle);
    const nodes = tree === 'adopted' ? plan.adoptedNodes : [...plan.nodes.values()];
    if (!nodes) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}"`);
    return { file: await planWorkbook(nodes, planYears(cycle.year, def.period), plan), name: `${cycle.cycleType}-${cycle.periodLabel}` };
  }

  /**
   * The plan as a PIAO document (DM 132/2022, Schema tipo): 1 Scheda anagrafica; 2 Valore pubblico,
   * performance e anticorruzione (2.1 ambiti and strategic objectives, 2.2 operational objectives
   * and indicators, 2.3 the objectives of the risk section); 3 Organizzazione e capitale umano (the
   * offices' text); 4 Monitoraggio (the offices' text, achievement per year, variations).
   */
  async piaoDocument(actor: Actor, cycleId: string, tree: 'current' | 'adopted' = 'current'): Promise<Record<string, unknown>> {
    const { cycle, plan } = await this.loadAt(actor, cycleId);
    const def = this.definitionOf(cycle);
    const years = planYears(cycle.year, def.period);
    const nodes = tree === 'adopted' ? plan.adoptedNodes : [...plan.nodes.values()];
    if (!nodes) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}"`);
    const views = years.map((year) => planTreeView(nodes, plan.measurements, { year, rules: plan.scoring?.rules ?? {} }));
    const current = views[0];
    /** The offices' Markdown for a narrative section, or null while not written. */
    const text = (id: string) => (Object.hasOwn(plan.narratives, id) ? plan.narratives[id].text : null);
    const strip = <T extends { achievement?: unknown }>(x: T): Omit<T, 'achievement'> => {
      const { achievement: _a, ...rest } = x;
      return rest;
    };
    const objectivesOf = (section: 'performance' | 'rischi_corruttivi') =>
      current.ambiti.flatMap((a) =>
        a.strategicObjectives.flatMap((so) =>
          so.operationalObjectives
            .filter((oo) => oo.section === section)
            .map((oo) => ({
              ...strip(oo),
              ambitoCode: a.code,
              indicators: oo.indicators.map((i) => {
                const { achievement: _a, measurements: _m, variance: _v, ...rest } = i;
                return rest;
              }),
            })),
        ),
      );
    return {
      documento: 'Piano integrato di attività e organizzazione (PIAO)',
      riferimento: 'DM 132/2022, art. 2-5 e allegato (Schema tipo)',
      ciclo: { id: cycle.cycleId, tipo: cycle.cycleType, titolo: cycle.title, periodo: cycle.periodLabel, anni: years, fase: cycle.stage, versione: cycle.version, albero: tree },
      sezioni: [
        {
          numero: '1',
          titolo: "Scheda anagrafica dell'amministrazione",
          contenuto: { ente: cycle.tenant, adozione: plan.adopted?.deliberation ?? null },
        },
        {
          numero: '2',
          titolo: 'Valore pubblico, performance e anticorruzione',
          sottosezioni: [
            {
              numero: '2.1',
              titolo: 'Valore pubblico',
              testo: text('2.1'),
              contenuto: current.ambiti.map((a) => ({ ...strip(a), strategicObjectives: a.strategicObjectives.map((so) => ({ ...strip(so), operationalObjectives: so.operationalObjectives.map((oo) => oo.code) })) })),
            },
            { numero: '2.2', titolo: 'Performance', contenuto: objectivesOf('performance') },
            { numero: '2.3', titolo: 'Rischi corruttivi e trasparenza', contenuto: objectivesOf('rischi_corruttivi') },
          ],
        },
        {
          numero: '3',
          titolo: 'Organizzazione e capitale umano',
          sottosezioni: [
            { numero: '3.1', titolo: 'Struttura organizzativa', testo: text('3.1') },
            { numero: '3.2', titolo: 'Organizzazione del lavoro agile', testo: text('3.2') },
            { numero: '3.3', titolo: 'Piano triennale dei fabbisogni di personale', testo: text('3.3') },
          ],
        },
        {
          numero: '4',
          titolo: 'Monitoraggio',
          testo: text('4'),
          contenuto: {
            misurazioni: plan.measurements.length,
            anniChiusi: plan.closedYears,
            variazioni: plan.variations,
            raggiungimento: views.map((v) => ({ anno: v.year, ente: v.chamber, ambiti: v.ambiti.map((a) => ({ code: a.code, ...a.achievement })) })),
          },
        },
      ],
    };
  }
}
