import { CycleDefinition } from './types';

const label = (text: string): string => text.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');

/**
 * A Mermaid `stateDiagram-v2` of the definition: one state per stage (titled in Italian), one
 * arrow per (from stage, transition) labelled with the command, `[*]` before the initial stage and
 * after each terminal stage.
 */
export function mermaidDiagram(
  def: Pick<CycleDefinition, 'title' | 'initialStage' | 'stages' | 'transitions'>,
): string {
  const lines = ['stateDiagram-v2', `  %% ${label(def.title)}`];
  for (const stage of def.stages) lines.push(`  state "${label(stage.title)}" as ${stage.id}`);
  lines.push(`  [*] --> ${def.initialStage}`);
  for (const t of def.transitions) {
    for (const from of t.from) lines.push(`  ${from} --> ${t.to}: ${t.command}`);
  }
  for (const stage of def.stages) if (stage.terminal) lines.push(`  ${stage.id} --> [*]`);
  return `${lines.join('\n')}\n`;
}
