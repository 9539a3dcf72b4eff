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

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/**
 * Applies one event to the state. Total and pure: an unknown event type only advances the version,
 * so older code can fold streams written by newer code.
 */
export function evolve(state: CycleState, event: FoldableEvent): CycleState {
  const d = event.data;
  const base: CycleState = { ...state, version: event.version, lastChangeAt: event.occurredAt };
  switch (event.type) {
    case 'CycleOpened':
      return {
        ...base,
        exists: true,
        cycleId: str(d.cycleId),
        tenant: event.tenant,
        cycleType: str(d.cycleType),
        definitionVersion: Number(d.definitionVersion),
        year: Number(d.year),
        periodLabel: str(d.periodLabel),
        title: str(d.title),
        stage: str(d.stage),
        status: 'open',
        openedAt: event.occurredAt,
        openedBy: event.actorId,
        stageReachedAt: { [str(d.stage)]: event.occurredAt },
      };
    case 'DocumentAttached':
      return {
        ...base,
        attachments: [
          ...state.attachments,
          {
            documentId: str(d.documentId),
            name: str(d.name),
            mediaType: str(d.mediaType),
            size: Number(d.size),
            sha256: str(d.sha256),
            by: event.actorId,
            at: event.occurredAt,
          },
        ],
      };
    case 'CommentAdded':
      return {
        ...base,
        comments: [
          ...state.comments,
          { commentId: str(d.commentId), text: str(d.text), by: event.actorId, role: event.actorRole, at: event.occurredAt },
        ],
      };
    case 'CycleCancelled':
      return { ...base, status: 'cancelled', cancelledReason: str(d.reason) };
    case 'CycleMigrated':
      return { ...base, definitionVersion: Number(d.toVersion) };
    case 'DeadlineMoved':
      return {
        ...base,
        movedDeadlines: {
          ...state.movedDeadlines,
          [str(d.deadlineId)]: {
            fromDate: typeof d.fromDate === 'string' ? d.fromDate : null,
            toDate: str(d.toDate),
            reason: str(d.reason),
            reference: str(d.reference),
            by: event.actorId,
            at: event.occurredAt,
          },
        },
      };
    case 'CycleLinked': {
      const linkId = str(d.linkId);
      return {
        ...base,
        links: {
          ...state.links,
          [linkId]: {
            linkId,
            relation: str(d.relation),
            targetType: str(d.targetType),
            targetCycleId: str(d.targetCycleId),
            targetYear: Number(d.targetYear),
            targetPeriod: str(d.targetPeriod),
            targetVersion: Number(d.targetVersion),
            mode: d.mode === 'command' ? 'command' : 'automatic',
            ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
            ...(typeof d.previousTargetCycleId === 'string' ? { previousTargetCycleId: d.previousTargetCycleId } : {}),
            by: event.actorId,
            at: event.occurredAt,
            version: event.version,
          },
        },
        // Events followed from the previous target no longer count.
        linkedEvents: { ...state.linkedEvents, [linkId]: {} },
      };
    }
    case 'CycleLinkedFrom': {
      const rest = state.linkedFrom.filter((l) => !(l.sourceCycleId === str(d.sourceCycleId) && l.linkId === str(d.linkId)));
      return {
        ...base,
        linkedFrom: [
          ...rest,
          {
            linkId: str(d.linkId),
            relation: str(d.relation),
            sourceType: str(d.sourceType),
            sourceCycleId: str(d.sourceCycleId),
            sourceYear: Number(d.sourceYear),
            sourceVersion: Number(d.sourceVersion),
            by: event.actorId,
            at: event.occurredAt,
          },
        ],
      };
    }
    case 'AttestationGridRowSet':
    case 'AttestationGridRowRemoved': {
      const rows = (state.gridRows ?? []).filter((id) => id !== str(d.obligationId));
      if (event.type === 'AttestationGridRowSet') rows.push(str(d.obligationId));
      const editors = state.contentEditors ?? [];
      return { ...base, gridRows: rows, contentEditors: editors.includes(event.actorId) ? editors : [...editors, event.actorId] };
    }
    case 'CycleUnlinkedFrom':
      return { ...base, linkedFrom: state.linkedFrom.filter((l) => !(l.sourceCycleId === str(d.sourceCycleId) && l.linkId === str(d.linkId))) };
    case 'LinkedEventRecorded': {
      const linkId = str(d.linkId);
      return {
        ...base,
        linkedEvents: {
          ...state.linkedEvents,
          [linkId]: { ...(state.linkedEvents[linkId] ?? {}), [str(d.event)]: { date: str(d.date), targetVersion: Number(d.targetVersion), at: event.occurredAt } },
        },
      };
    }
    case 'DeadlineRuleSwitched':
      return {
        ...base,
        deadlineSwitches: {
          ...state.deadlineSwitches,
          [str(d.deadlineId)]: { active: d.active === true, reason: str(d.reason), reference: str(d.reference), by: event.actorId, at: event.occurredAt },
        },
      };
    default:
      break;
  }
  // Transition events carry command, kind, from and to.
  if (typeof d.command === 'string' && typeof d.to === 'string' && typeof d.from === 'string') {
    const fields = (d.fields && typeof d.fields === 'object' && !Array.isArray(d.fields) ? d.fields : {}) as JsonRecord;
    const next: CycleState = {
      ...base,
      stage: d.to,
      history: [
        ...state.history,
        {
          version: event.version,
          type: event.type,
          command: d.command,
          kind: str(d.kind),
          from: d.from,
          to: d.to,
          actorId: event.actorId,
          actorRole: event.actorRole,
          at: event.occurredAt,
          fields,
        },
      ],
      lastActorByCommand: { ...state.lastActorByCommand, [d.command]: event.actorId },
      stageReachedAt: Object.hasOwn(state.stageReachedAt, d.to) ? state.stageReachedAt : { ...state.stageReachedAt, [d.to]: event.occurredAt },
    };
    if (d.kind === 'submission') next.lastSubmissionAt = event.occurredAt;
    if (d.linkedVersions && typeof d.linkedVersions === 'object' && !Array.isArray(d.linkedVersions)) {
      const fixed = { ...state.fixedLinks };
      for (const [linkId, v] of Object.entries(d.linkedVersions)) {
        const link = state.links[linkId];
        if (link && typeof v === 'number') fixed[linkId] = { targetCycleId: link.targetCycleId, targetVersion: v, version: event.version, event: event.type, at: event.occurredAt };
      }
      next.fixedLinks = fixed;
    }
    if (d.kind === 'deliberation') {
      next.deliberations = [
        ...state.deliberations,
        { organ: str(d.organ), number: str(fields.number), date: str(fields.date), actHash: str(fields.actHash), version: event.version },
      ];
    }
    return next;
  }
  return base;
}
