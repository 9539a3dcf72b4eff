import type { TransitionDefinition, TransitionKind, TransitionRule } from './types';

/** Kinds of a control act: only an independent body (OIV, revisori) performs them. */
export const CONTROL_KINDS: readonly TransitionKind[] = ['validation', 'refusal'];

/**
 * The independence every control act (kinds `validation` and `refusal`) requires by default: who
 * opened the cycle (drafted it), or at any time submitted, withdrew, reviewed (request_changes),
 * approved or deliberated it, or performed a plain step of its drafting, cannot validate or refuse
 * it (d.lgs. 150/2009 art. 14). A definition may add further `independent_of` rules; it cannot
 * remove this one.
 */
export const DEFAULT_INDEPENDENCE: Extract<TransitionRule, { type: 'independent_of' }> = {
  type: 'independent_of',
  kinds: ['plain', 'submission', 'withdrawal', 'request_changes', 'approval', 'deliberation'],
  commands: ['open'],
};

/** The rules the decider applies to a transition: its own, plus `DEFAULT_INDEPENDENCE` for control kinds. */
export function transitionRules(t: TransitionDefinition): readonly TransitionRule[] {
  return CONTROL_KINDS.includes(t.kind) ? [...t.rules, DEFAULT_INDEPENDENCE] : t.rules;
}

/** A rule in a few words (tables, diagrams): `not_same_actor_as submit`, `independent_of open, submission`. */
export function describeRule(r: TransitionRule): string {
  if (r.type === 'requires_attachment') return r.type;
  if (r.type === 'independent_of') return `${r.type} ${[...r.commands, ...r.kinds].join(', ')}`;
  return `${r.type} ${r.command}`;
}
