/**
 * The narrative sections of a cycle (PIAO 2.1, 3.1-3.3, 4; the Relazione's summary and variances):
 * Markdown written by the offices, one textarea per section with a preview rendered as the PDF
 * renders it, saved as an event (`write_narrative`) in the editable stages only.
 */
import { useId, useState, type ReactNode } from 'react';
import { get, qs } from '../../api';
import { ErrorAlert, Loading, useLoad } from '../../components';
import { formatDateTime } from '../../labels';
// The same reader the PDF uses, so that the preview shows what will be printed.
import { parseMarkdown } from '../../../../../libs/documents/src/markdown';
import { personName, type People } from '../cycle-data';
import { Refusal, useCommand } from '../plan/forms';
import type { PlanResponse } from '../plan/types';

type Narrative = PlanResponse['narratives'][number];

/** Markdown as headings, paragraphs and lists (headings start below the section's own heading). */
export function MarkdownPreview({ text }: { text: string }) {
  const blocks = parseMarkdown(text);
  if (!blocks.length) return <p className="fst-italic text-body-secondary">Sezione non ancora redatta.</p>;
  return (
    <>
      {blocks.map((b, i): ReactNode => {
        if (b.kind === 'heading') {
          const H = (['h4', 'h5', 'h6'] as const)[b.level - 1];
          return <H key={i}>{b.text}</H>;
        }
        if (b.kind === 'paragraph') return <p key={i}>{b.text}</p>;
        const L = b.ordered ? 'ol' : 'ul';
        return (
          <L key={i}>
            {b.items.map((it, j) => (
              <li key={j}>{it}</li>
            ))}
          </L>
        );
      })}
    </>
  );
}

function NarrativeEditor({ cycleId, n, editable, people, onSaved }: { cycleId: string; n: Narrative; editable: boolean; people: People; onSaved(m: string): void }) {
  const id = useId();
  const [text, setText] = useState(n.text);
  const [preview, setPreview] = useState(!editable);
  const cmd = useCommand(cycleId);
  const changed = text.trim() !== n.text;
  const headingId = `${id}-titolo`;
  return (
    <section aria-labelledby={headingId} className="mb-4">
      <h3 id={headingId} className="h5">
        {/^\d/.test(n.section) ? `${n.section} ` : ''}
        {n.title}
      </h3>
      {n.by && n.at ? (
        <p className="small text-body-secondary">
          Scritta da {personName(people, n.by)} il {formatDateTime(n.at)}
        </p>
      ) : null}
      {editable ? (
        <div className="mb-2" role="group" aria-label={`Vista della sezione ${n.title}`}>
          <button type="button" className={`btn btn-sm me-2 ${preview ? 'btn-outline-primary' : 'btn-primary'}`} aria-pressed={!preview} onClick={() => setPreview(false)}>
            Modifica
          </button>
          <button type="button" className={`btn btn-sm ${preview ? 'btn-primary' : 'btn-outline-primary'}`} aria-pressed={preview} onClick={() => setPreview(true)}>
            Anteprima
          </button>
        </div>
      ) : null}
      {preview ? (
        <div className="border rounded p-3 bg-white">
          <MarkdownPreview text={text} />
        </div>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (await cmd.run('write_narrative', { section: n.section, text })) onSaved(`Sezione «${n.title}» salvata`);
          }}
        >
          <div className="mb-2">
            <label htmlFor={`${id}-testo`} className="form-label">Testo della sezione «{n.title}»</label>
            <textarea id={`${id}-testo`} className="form-control" rows={8} value={text} onChange={(e) => setText(e.target.value)} aria-describedby={`${id}-aiuto`} />
            <small id={`${id}-aiuto`} className="form-text">
              Formattazione: una riga vuota separa i paragrafi; «# Titolo» per un titolo (## per un sottotitolo); «- voce» o «1. voce» per un elenco; un testo vuoto svuota la sezione.
            </small>
          </div>
          <Refusal error={cmd.error} />
          <button type="submit" className="btn btn-primary btn-sm" disabled={cmd.busy || !changed}>
            Salva la sezione
          </button>
        </form>
      )}
    </section>
  );
}

/** Every narrative section of the cycle, as it is now or as it was (`asOf`, `version`). */
export function Narratives({ cycleId, asOf, version, people, onDone }: { cycleId: string; asOf?: string; version?: string; people: People; onDone(m: string): void }) {
  const data = useLoad((signal) => get<PlanResponse>(`/cycles/${encodeURIComponent(cycleId)}/plan${qs({ asOf, version })}`, { signal }), [cycleId, asOf, version]);
  if (!data.data) return data.loading ? <Loading /> : <ErrorAlert error={data.error} />;
  const plan = data.data;
  return (
    <>
      {!plan.narrativesEditable ? (
        <p className="small text-body-secondary">
          {asOf || version
            ? 'Il testo com’era in questa versione.'
            : `Le sezioni si scrivono solo nelle fasi: ${plan.editableStageTitles.join(', ') || 'nessuna'}. Ora il ciclo è in «${plan.stageTitle}».`}
        </p>
      ) : null}
      {plan.narratives.map((n) => (
        <NarrativeEditor
          key={`${n.section}-${n.version ?? 0}-${plan.narrativesEditable}`}
          cycleId={cycleId}
          n={n}
          editable={plan.narrativesEditable}
          people={people}
          onSaved={(m) => {
            onDone(m);
            data.reload();
          }}
        />
      ))}
    </>
  );
}
