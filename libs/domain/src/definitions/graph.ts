import { CycleDefinition, TransitionDefinition } from './types';

type GraphInput = Pick<CycleDefinition, 'stages' | 'transitions'>;

/** The transition a command takes from a stage, if any (command names are unique per from-stage). */
export function findTransition(
  def: Pick<CycleDefinition, 'transitions'>,
  fromStage: string,
  command: string,
): TransitionDefinition | undefined {
  return def.transitions.find((t) => t.command === command && t.from.includes(fromStage));
}

/** Transitions that may be taken from a stage, in definition order. */
export function outgoingTransitions(
  def: Pick<CycleDefinition, 'transitions'>,
  stage: string,
): readonly TransitionDefinition[] {
  return def.transitions.filter((t) => t.from.includes(stage));
}

/** Stages reachable from `start` (included) following transitions forwards. */
export function reachableStages(def: GraphInput, start: string): ReadonlySet<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const stage = queue.shift() as string;
    for (const t of outgoingTransitions(def, stage)) {
      if (!seen.has(t.to)) {
        seen.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return seen;
}

/** Stages from which some terminal stage can be reached (terminal stages included). */
export function stagesReachingTerminal(def: GraphInput): ReadonlySet<string> {
  const good = new Set<string>(def.stages.filter((s) => s.terminal).map((s) => s.id));
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of def.transitions) {
      if (!good.has(t.to)) continue;
      for (const from of t.from) {
        if (!good.has(from)) {
          good.add(from);
          changed = true;
        }
      }
    }
  }
  return good;
}
