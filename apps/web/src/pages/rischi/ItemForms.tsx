/** Editors of processes and risk events, and the removal of any register item. */
import { useState } from 'react';
import { get } from '../../api';
import type { components } from '../../api-schema';
import { EditorForm, Field, lines, orNull, useRegisterCommand } from './form';
import type { Process, Register, Risk } from './labels';

type CatalogueAnswer = components['schemas']['CatalogueAnswer'];
type CatalogueNode = components['schemas']['CatalogueNode'];

export interface EditorProps {
  reg: Register;
  onDone(message: string): void;
  onCancel(): void;
}

/** The catalogue's entries that matched, in the tree's order. */
function matchesOf(answer: CatalogueAnswer): { code: string; title: string }[] {
  const wanted = new Set(answer.matches);
  const out: { code: string; title: string }[] = [];
  const walk = (nodes: CatalogueNode[]) => {
    for (const x of nodes) {
      if (wanted.has(x.code) && x.title) out.push({ code: x.code, title: x.title });
      walk(x.children);
    }
  };
  walk(answer.tree);
  return out;
}

/** Looks a process up in the tenant's catalogue (seed 000) and fills its code and title. */
function CataloguePicker({
  taken,
  onPick,
}: {
  taken: Set<string>;
  onPick(code: string, title: string): void;
}) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<{ code: string; title: string }[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [failed, setFailed] = useState(false);
  async function search() {
    setFailed(false);
    try {
      const answer = await get<CatalogueAnswer>(`/catalogue/processes?q=${encodeURIComponent(q.trim())}`);
      setFound(matchesOf(answer).slice(0, 50));
      setChosen('');
    } catch {
      setFailed(true);
    }
  }
  return (
    <fieldset className="mb-2">
      <legend className="h6">Dal catalogo dei processi</legend>
      <div className="d-flex gap-2 align-items-end flex-wrap">
        <div className="flex-grow-1">
          <Field label="Cerca nel catalogo (parole del titolo o codice)" value={q} onChange={setQ} />
        </div>
        <button
          type="button"
          className="btn btn-outline-primary btn-sm mb-3"
          onClick={() => void search()}
          disabled={!q.trim()}
        >
          Cerca nel catalogo
        </button>
      </div>
      {failed ? <p className="text-danger">La ricerca nel catalogo non è riuscita: riprovare.</p> : null}
      {found ? (
        found.length ? (
          <Field
            label={`Processo del catalogo (${found.length} trovati)`}
            value={chosen}
            onChange={(code) => {
              setChosen(code);
              const hit = found.find((f) => f.code === code);
              if (hit) onPick(hit.code, hit.title);
            }}
            options={[
              { value: '', label: 'Scegliere…' },
              ...found.map((f) => ({
                value: f.code,
                label: `${f.code} · ${f.title}${taken.has(f.code) ? ' (già nel registro)' : ''}`,
              })),
            ]}
          />
        ) : (
          <p role="status">Nessun processo del catalogo corrisponde alla ricerca.</p>
        )
      ) : null}
    </fieldset>
  );
}

/** Add a process (from the catalogue, or by hand), or change one. */
export function ProcessForm({ reg, process, onDone, onCancel }: EditorProps & { process?: Process }) {
  const adding = !process;
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, [
    'code',
    'title',
    'area',
    'office',
    'note',
  ]);
  const [code, setCode] = useState(process?.code ?? '');
  const [title, setTitle] = useState(process?.title ?? '');
  const [area, setArea] = useState(process?.area ?? '');
  const [office, setOffice] = useState(process?.office ?? '');
  const [note, setNote] = useState(process?.note ?? '');
  function submit() {
    if (adding) {
      const item = {
        kind: 'process',
        code: code.trim(),
        title: title.trim(),
        area: orNull(area),
        office: orNull(office),
        note: orNull(note),
      };
      void run(
        'add_register_item',
        Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null)),
      ).then((ok) => ok && onDone(`Processo ${code.trim()} aggiunto`));
    } else {
      void run('update_register_item', {
        kind: 'process',
        code: process.code,
        changes: { title: title.trim(), area: orNull(area), office: orNull(office), note: orNull(note) },
      }).then((ok) => ok && onDone(`Processo ${process.code} modificato`));
    }
  }
  return (
    <EditorForm
      title={adding ? 'Nuovo processo nel registro' : `Modifica il processo ${process.code}`}
      onSubmit={submit}
      busy={busy}
      submitLabel={adding ? 'Aggiungi il processo' : 'Salva le modifiche'}
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      {adding ? (
        <CataloguePicker
          taken={new Set(reg.processes.map((p) => p.code))}
          onPick={(c, t) => {
            setCode(c);
            setTitle(t);
          }}
        />
      ) : null}
      <div className="row">
        {adding ? (
          <div className="col-md-3">
            <Field
              label="Codice del processo"
              value={code}
              onChange={setCode}
              error={errors.code}
              required
              hint="Il codice del catalogo, es. C2.2.3"
            />
          </div>
        ) : null}
        <div className={adding ? 'col-md-9' : 'col-12'}>
          <Field
            label="Titolo del processo"
            value={title}
            onChange={setTitle}
            error={errors.title}
            required
          />
        </div>
        <div className="col-md-6">
          <Field
            label="Area organizzativa responsabile"
            value={area}
            onChange={setArea}
            error={errors.area}
          />
        </div>
        <div className="col-md-6">
          <Field label="Ufficio responsabile" value={office} onChange={setOffice} error={errors.office} />
        </div>
      </div>
      <Field label="Note" value={note} onChange={setNote} error={errors.note} as="textarea" />
    </EditorForm>
  );
}

/** Add a risk event to a process, or change one. */
export function RiskForm({
  reg,
  processCode,
  risk,
  onDone,
  onCancel,
}: EditorProps & { processCode: string; risk?: Risk }) {
  const adding = !risk;
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, [
    'code',
    'description',
    'factors',
    'note',
    'processCode',
  ]);
  const existing = reg.processes.find((p) => p.code === processCode)?.risks.length ?? 0;
  const [code, setCode] = useState(risk?.code ?? `${processCode}-R${existing + 1}`);
  const [description, setDescription] = useState(risk?.description ?? '');
  const [factors, setFactors] = useState((risk?.factors ?? []).join('\n'));
  const [note, setNote] = useState(risk?.note ?? '');
  function submit() {
    const fields = { description: description.trim(), factors: lines(factors), note: orNull(note) };
    if (adding) {
      const item = { kind: 'risk', code: code.trim(), processCode, ...fields };
      void run(
        'add_register_item',
        Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null)),
      ).then((ok) => ok && onDone(`Evento rischioso ${code.trim()} aggiunto`));
    } else {
      void run('update_register_item', { kind: 'risk', code: risk.code, changes: fields }).then(
        (ok) => ok && onDone(`Evento rischioso ${risk.code} modificato`),
      );
    }
  }
  return (
    <EditorForm
      title={
        adding
          ? `Nuovo evento rischioso del processo ${processCode}`
          : `Modifica l’evento rischioso ${risk.code}`
      }
      onSubmit={submit}
      busy={busy}
      submitLabel={adding ? 'Aggiungi l’evento' : 'Salva le modifiche'}
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      {adding ? (
        <Field
          label="Codice dell’evento rischioso"
          value={code}
          onChange={setCode}
          error={errors.code ?? errors.processCode}
          required
        />
      ) : null}
      <Field
        label="Evento rischioso (che cosa può accadere)"
        value={description}
        onChange={setDescription}
        error={errors.description}
        required
        as="textarea"
      />
      <Field
        label="Fattori abilitanti"
        value={factors}
        onChange={setFactors}
        error={errors.factors}
        as="textarea"
        rows={3}
        hint="Uno per riga (es. discrezionalità, carenza di controlli)"
      />
      <Field label="Note" value={note} onChange={setNote} error={errors.note} as="textarea" />
    </EditorForm>
  );
}

const KIND_NAME: Record<string, { the: string; The: string; removed: string }> = {
  process: { the: 'il processo', The: 'Il processo', removed: 'rimosso' },
  risk: { the: 'l’evento rischioso', The: 'L’evento rischioso', removed: 'rimosso' },
  measure: { the: 'la misura', The: 'La misura', removed: 'rimossa' },
};

/** Remove an item; a process with risk events, or a risk treated by measures, only with the cascade confirmed. */
export function RemoveForm({
  reg,
  kind,
  code,
  onDone,
  onCancel,
}: EditorProps & { kind: 'process' | 'risk' | 'measure'; code: string }) {
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, ['cascade']);
  const [cascade, setCascade] = useState(false);
  const process = kind === 'process' ? reg.processes.find((p) => p.code === code) : undefined;
  const risk =
    kind === 'risk' ? reg.processes.flatMap((p) => p.risks).find((r) => r.code === code) : undefined;
  const below = process
    ? `Ha ${process.risks.length === 1 ? '1 evento rischioso, che sarà rimosso' : `${process.risks.length} eventi rischiosi, che saranno rimossi`} con la sua valutazione.`
    : risk?.measureCodes.length
      ? `È trattato dalle misure ${risk.measureCodes.join(', ')}: sarà tolto dai loro rischi trattati.`
      : '';
  const name = KIND_NAME[kind];
  const needsCascade = (process?.risks.length ?? 0) > 0 || (risk?.measureCodes.length ?? 0) > 0;
  return (
    <EditorForm
      title={`Rimuovi ${name.the} ${code}`}
      onSubmit={() =>
        void run('remove_register_item', { kind, code, ...(cascade ? { cascade: true } : {}) }).then(
          (ok) =>
            ok &&
            onDone(
              `${name.The} ${code} è stat${name.removed === 'rimossa' ? 'a' : 'o'} ${name.removed} dal registro`,
            ),
        )
      }
      busy={busy}
      submitLabel="Rimuovi"
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      <p>
        {name.The} {code} sarà {name.removed} dal registro. {below}
      </p>
      {needsCascade ? (
        <div className="form-check mb-2">
          <input
            id={`cascata-${code}`}
            className="form-check-input"
            type="checkbox"
            checked={cascade}
            onChange={(e) => setCascade(e.target.checked)}
          />
          <label className="form-check-label" htmlFor={`cascata-${code}`}>
            Confermo: rimuovi anche quanto collegato
          </label>
        </div>
      ) : null}
    </EditorForm>
  );
}
