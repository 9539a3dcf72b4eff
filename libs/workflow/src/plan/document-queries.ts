import { Inject } from '@nestjs/common';
import { DomainRefusal, type CycleState, type PlanTreeView } from '@ciclo/domain';
import type { RelazioneInput } from '@ciclo/documents';
import type { Actor } from '@ciclo/identity';
import { DefinitionRegistry } from '../definition-registry';
import { DEFINITIONS } from '../tokens';
import { PlanQueries } from './plan-queries';
import { PlanRepository } from './plan-repository';

/** Indicators whose achievement differs between two views of the same plan for a year. */
function changedIndicators(approved: PlanTreeView, now: PlanTreeView): NonNullable<RelazioneInput['laterChanges']> {
  const scores = (v: PlanTreeView) =>
    new Map(v.ambiti.flatMap((a) => a.strategicObjectives.flatMap((so) => so.operationalObjectives.flatMap((oo) => oo.indicators.map((i) => [i.code, { name: i.name, score: i.achievement.score }] as const)))));
  const a = scores(approved);
  const b = scores(now);
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((code) => a.get(code)?.score !== b.get(code)?.score)
    .map((code) => ({ code, name: (b.get(code) ?? a.get(code))?.name ?? code, approved: a.get(code)?.score ?? null, now: b.get(code)?.score ?? null }));
}

/** Kinds of step after which an earlier approval no longer stands (the act went back to drafting). */
const UNDOING = new Set(['refusal', 'request_changes', 'withdrawal']);

/** The latest Giunta approval still standing: a deliberation not followed by a refusal or a return. */
function standingApproval(cycle: CycleState) {
  const last = [...cycle.history].reverse().find((h) => h.kind === 'deliberation' || UNDOING.has(h.kind));
  if (last?.kind !== 'deliberation') return null;
  const d = cycle.deliberations.find((x) => x.version === last.version) ?? cycle.deliberations.at(-1);
  return d ? { organ: d.organ, number: d.number, date: d.date } : null;
}

/** The OIV's validation, when the latest validation or refusal step is a validation. */
function validationOf(cycle: CycleState) {
  const last = [...cycle.history].reverse().find((h) => h.kind === 'validation' || h.kind === 'refusal');
  if (last?.kind !== 'validation') return null;
  const f = last.fields;
  return { reference: typeof f.reportReference === 'string' ? f.reportReference : 'documento di validazione', date: typeof f.date === 'string' ? f.date : last.at.slice(0, 10) };
}

/**
 * What the generated documents print, gathered from the events (the PIAO's content stays in
 * PlanQueries.piaoContent): the Relazione sulla performance with the figures of the PIAO it
 * reports on — as the Giunta's approval fixed them once approved, as they are before.
 */
export class DocumentQueries {
  constructor(
    @Inject(PlanQueries) private readonly plans: PlanQueries,
    @Inject(PlanRepository) private readonly repo: PlanRepository,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
  ) {}

  async relazioneContent(actor: Actor, cycleId: string, at: { asOf?: Date; version?: number } = {}): Promise<Omit<RelazioneInput, 'chamber'>> {
    const { cycle, plan } = await this.repo.load(actor.tenant, cycleId, { until: at.asOf, toVersion: at.version });
    if (!cycle.exists || cycle.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
    if (cycle.cycleType !== 'relazione_performance') throw new DomainRefusal('DOCUMENT_NOT_FOR_CYCLE_TYPE', `cycle ${cycleId} is a ${cycle.cycleType}, not a Relazione sulla performance`);
    const def = this.definitions.get(cycle.cycleType, cycle.definitionVersion);
    if (!def) throw new DomainRefusal('CYCLE_NOT_FOUND', `definition ${cycle.cycleType} v${cycle.definitionVersion} is not loaded`);
    const link = def.links.find((l) => l.relation === 'reports_on');
    const resolved = link && Object.hasOwn(cycle.links, link.id) ? cycle.links[link.id] : undefined;
    const approval = standingApproval(cycle);
    const fixed = approval && link && resolved && Object.hasOwn(cycle.fixedLinks, link.id) && cycle.fixedLinks[link.id].targetCycleId === resolved.targetCycleId ? cycle.fixedLinks[link.id] : undefined;
    const ownLast = cycle.lastChangeAt || cycle.openedAt;
    let piao: RelazioneInput['piao'] = null;
    let achievement: RelazioneInput['achievement'] = null;
    let bands: RelazioneInput['bands'] = [];
    let last = ownLast;
    let laterChanges: RelazioneInput['laterChanges'] = [];
    if (resolved) {
      // Live figures follow the PIAO up to the moment the Relazione is read at (now, an instant, or its version's last event).
      let piaoAt: { asOf?: Date; version?: number } = {};
      if (fixed) piaoAt = { version: fixed.targetVersion };
      else if (at.asOf) piaoAt = { asOf: at.asOf };
      else if (at.version) piaoAt = { asOf: new Date(ownLast) };
      const view = await this.plans.view(actor, resolved.targetCycleId, { year: cycle.year, at: piaoAt });
      const target = await this.repo.load(actor.tenant, resolved.targetCycleId, { toVersion: view.version });
      piao = { title: view.title, period: view.period, version: view.version };
      achievement = view.achievement;
      bands = view.scoring?.rules.bands ?? [];
      if (target.cycle.lastChangeAt > last) last = target.cycle.lastChangeAt;
      if (fixed) {
        // The PIAO then (now, or at the instant asked) against the figures the approval fixed.
        const then = await this.plans.view(actor, resolved.targetCycleId, { year: cycle.year, at: at.asOf ? { asOf: at.asOf } : at.version ? { asOf: new Date(ownLast) } : {} });
        laterChanges = changedIndicators(view.achievement, then.achievement);
        if (laterChanges.length) {
          const live = await this.repo.load(actor.tenant, resolved.targetCycleId, { toVersion: then.version });
          if (live.cycle.lastChangeAt > last) last = live.cycle.lastChangeAt;
        }
      }
    }
    return {
      cycle: { title: cycle.title, year: cycle.year, version: cycle.version, stageTitle: def.stages.find((s) => s.id === cycle.stage)?.title ?? cycle.stage },
      piao,
      figures: fixed ? 'approved' : 'live',
      approval,
      validation: validationOf(cycle),
      achievement,
      bands,
      laterChanges,
      narratives: Object.fromEntries(Object.entries(plan.narratives).map(([k, v]) => [k, v.text])),
      asOf: new Date(last),
    };
  }
}
