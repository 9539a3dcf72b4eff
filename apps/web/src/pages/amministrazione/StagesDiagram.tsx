import { roleLabel } from '../../labels';

export interface DefinitionView {
  id: string;
  version: number;
  title: string;
  legalBasis: string[];
  period: string;
  openRoles: string[];
  cancelRoles: string[];
  commentRoles: string[];
  attachRoles: string[];
  editableStages: string[];
  initialStage: string;
  stages: { id: string; title: string; terminal: boolean; actors: string[] }[];
  transitions: { command: string; event: string; title: string; from: string[]; to: string; roles: string[]; kind: string }[];
  deadlines: {
    id: string;
    title: string;
    metBy: string;
    legalReference?: string;
    editablePerYear: boolean;
    rule: { type: 'calendar'; month: number; day: number; yearOffset: number } | { type: 'after_event'; event: string; days: number } | { type: 'none' };
  }[];
  reminders: { offsetsDays: number[]; overdueEveryDays: number; escalateTo: string };
  mermaid: string;
}

/**
 * The stages diagram as ordered steps: each stage in order, who acts in it, and every way out of
 * it (a screen reader reads it as a list; sighted users see the same flow).
 */
export function StagesDiagram({ def }: { def: DefinitionView }) {
  const title = (s: string) => def.stages.find((x) => x.id === s)?.title ?? s;
  const index = new Map(def.stages.map((s, i) => [s.id, i + 1]));
  return (
    <ol className="stages-diagram list-unstyled" aria-label={`Fasi del ciclo ${def.title}`}>
      {def.stages.map((s, i) => {
        const out = def.transitions.filter((t) => t.from.includes(s.id));
        return (
          <li key={s.id} className="stage-step">
            <div className="stage-box">
              <span className="stage-number" aria-hidden="true">
                {i + 1}
              </span>
              <div>
                <strong>
                  <span className="visually-hidden">Fase {i + 1}: </span>
                  {s.title}
                </strong>
                {s.id === def.initialStage ? <span className="badge bg-primary ms-2">iniziale</span> : null}
                {s.terminal ? <span className="badge bg-secondary ms-2">finale</span> : null}
                <span className="d-block small">{s.actors.length ? `Agisce: ${s.actors.map(roleLabel).join(', ')}` : 'Nessuno deve agire'}</span>
                {out.length ? (
                  <ul className="small mb-0 mt-1 list-unstyled">
                    {out.map((t) => (
                      <li key={t.command}>
                        <span aria-hidden="true">→ </span>
                        {t.title}: va a «{title(t.to)}» (fase {index.get(t.to) ?? '?'}) — {t.roles.map(roleLabel).join(', ')}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
