import { classifyCycleEvent, type CycleEvent } from './events';
import type { CycleState, JsonRecord } from './model';

/** An event as folded: what the decider produced plus its stream version and tenant. */
export interface FoldableEvent {
  type: string;
  data: JsonRecord;
  actorId: string;
  actorRole: string;
  occurredAt: string;
  version: number;
  tenant: string;
}

/**
 * Applies one event to the state. Total and pure: the event is classified first
 * (`classifyCycleEvent`), then each kind of the union is applied; the `never` check makes the
 * compiler refuse a kind without its case. An unknown event type only advances the version, so
 * older code can fold streams written by newer code.
 */
export function evolve(state: CycleState, event: FoldableEvent): CycleState {
  const e = classifyCycleEvent(event);
  const base: CycleState = { ...state, version: e.version, lastChangeAt: e.occurredAt };
  switch (e.kind) {
    case 'CycleOpened': {
      const d = e.data;
      return {
        ...base,
        exists: true,
        cycleId: d.cycleId,
        tenant: e.tenant,
        cycleType: d.cycleType,
        definitionVersion: d.definitionVersion,
        year: d.year,
        periodLabel: d.periodLabel,
        title: d.title,
        stage: d.stage,
        status: 'open',
        openedAt: e.occurredAt,
        openedBy: e.actorId,
        stageReachedAt: { [d.stage]: e.occurredAt },
      };
    }
    case 'DocumentAttached':
      return { ...base, attachments: [...state.attachments, { ...e.data, by: e.actorId, at: e.occurredAt }] };
    case 'CommentAdded':
      return {
        ...base,
        comments: [...state.comments, { commentId: e.data.commentId, text: e.data.text, by: e.actorId, role: e.actorRole, at: e.occurredAt }],
      };
    case 'CycleCancelled':
      return { ...base, status: 'cancelled', cancelledReason: e.data.reason };
    case 'CycleMigrated':
      return { ...base, definitionVersion: e.data.toVersion };
    case 'DeadlineMoved': {
      const { deadlineId, ...moved } = e.data;
      return { ...base, movedDeadlines: { ...state.movedDeadlines, [deadlineId]: { ...moved, by: e.actorId, at: e.occurredAt } } };
    }
    case 'CycleLinked': {
      const linkId = e.data.linkId;
      return {
        ...base,
        links: { ...state.links, [linkId]: { ...e.data, by: e.actorId, at: e.occurredAt, version: e.version } },
        // Events followed from the previous target no longer count.
        linkedEvents: { ...state.linkedEvents, [linkId]: {} },
      };
    }
    case 'CycleLinkedFrom': {
      const d = e.data;
      const rest = state.linkedFrom.filter((l) => !(l.sourceCycleId === d.sourceCycleId && l.linkId === d.linkId));
      return { ...base, linkedFrom: [...rest, { ...d, by: e.actorId, at: e.occurredAt }] };
    }
    case 'AttestationGridRowSet':
    case 'AttestationGridRowRemoved': {
      const rows = (state.gridRows ?? []).filter((id) => id !== e.data.obligationId);
      if (e.kind === 'AttestationGridRowSet') rows.push(e.data.obligationId);
      const editors = state.contentEditors ?? [];
      return { ...base, gridRows: rows, contentEditors: editors.includes(e.actorId) ? editors : [...editors, e.actorId] };
    }
    case 'CycleUnlinkedFrom':
      return { ...base, linkedFrom: state.linkedFrom.filter((l) => !(l.sourceCycleId === e.data.sourceCycleId && l.linkId === e.data.linkId)) };
    case 'LinkedEventRecorded': {
      const d = e.data;
      return {
        ...base,
        linkedEvents: {
          ...state.linkedEvents,
          [d.linkId]: { ...(state.linkedEvents[d.linkId] ?? {}), [d.event]: { date: d.date, targetVersion: d.targetVersion, at: e.occurredAt } },
        },
      };
    }
    case 'DeadlineRuleSwitched': {
      const { deadlineId, ...rule } = e.data;
      return { ...base, deadlineSwitches: { ...state.deadlineSwitches, [deadlineId]: { ...rule, by: e.actorId, at: e.occurredAt } } };
    }
    case 'transition':
      return applyTransition(state, base, e);
    case 'unknown':
      return base;
    default:
      return unreachable(e);
  }
}

function unreachable(e: never): never {
  throw new Error(`Unhandled cycle event ${JSON.stringify(e)}`);
}

function applyTransition(state: CycleState, base: CycleState, e: Extract<CycleEvent, { kind: 'transition' }>): CycleState {
  const d = e.data;
  const next: CycleState = {
    ...base,
    stage: d.to,
    history: [
      ...state.history,
      {
        version: e.version,
        type: e.type,
        command: d.command,
        kind: e.transitionKind,
        from: d.from,
        to: d.to,
        actorId: e.actorId,
        actorRole: e.actorRole,
        at: e.occurredAt,
        fields: d.fields,
      },
    ],
    lastActorByCommand: { ...state.lastActorByCommand, [d.command]: e.actorId },
    stageReachedAt: Object.hasOwn(state.stageReachedAt, d.to) ? state.stageReachedAt : { ...state.stageReachedAt, [d.to]: e.occurredAt },
  };
  if (e.transitionKind === 'submission') next.lastSubmissionAt = e.occurredAt;
  if (d.linkedVersions) {
    const fixed = { ...state.fixedLinks };
    for (const [linkId, v] of Object.entries(d.linkedVersions)) {
      const link = state.links[linkId];
      if (link) fixed[linkId] = { targetCycleId: link.targetCycleId, targetVersion: v, version: e.version, event: e.type, at: e.occurredAt };
    }
    next.fixedLinks = fixed;
  }
  if (e.transitionKind === 'deliberation') {
    const { organ, number, date, actHash } = e.data;
    next.deliberations = [...state.deliberations, { organ, number, date, actHash, version: e.version }];
  }
  return next;
}
