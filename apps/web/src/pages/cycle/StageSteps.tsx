/** The definition's stages as an ordered list of steps, the current one marked (text, not colour alone). */
import type { DefinitionView } from '../cycle-data';

export function StageSteps({ def, stage, reached }: { def: DefinitionView; stage: string; reached: ReadonlySet<string> }) {
  const current = def.stages.findIndex((s) => s.id === stage);
  return (
    <ol className="cycle-steps" aria-label={`Fasi del ciclo: fase attuale ${def.stages[current]?.title ?? stage}`}>
      {def.stages.map((s, i) => {
        const isCurrent = s.id === stage;
        const done = !isCurrent && reached.has(s.id);
        return (
          <li key={s.id} className={`cycle-step${isCurrent ? ' current' : ''}${done ? ' done' : ''}`} aria-current={isCurrent ? 'step' : undefined}>
            <span className="cycle-step-number" aria-hidden="true">
              {i + 1}
            </span>
            <span className="cycle-step-title">{s.title}</span>
            <span className="cycle-step-state">
              {isCurrent ? 'fase attuale' : done ? 'già raggiunta' : s.terminal ? 'fase finale' : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
