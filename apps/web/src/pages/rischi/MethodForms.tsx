/** The editors of the chamber's rating method: set it (indicators, levels, reason) or go back to ANAC's. */
import { useState } from 'react';
import { post, put } from '../../api';
import { EditorForm, Field, useRefusalsByField } from './form';
import { levelLabel, type RatingMethodView } from './labels';

interface MethodFormProps {
  /** The method as the page read it */
  current: RatingMethodView;
  onDone(message: string): void;
  onCancel(): void;
}

/** `body.method.levels[1]` → `levels[1]`; `reason` stays. */
const strip = (field: string): string => field.replace(/^body\./, '').replace(/^method\./, '');

/** A key from a title: lower case, no accents, words joined by `_` (as the API wants keys). */
export function keyOf(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/_+$/, '');
}

interface IndicatorRow {
  key: string;
  title: string;
  /** The key was typed (or is the saved one): the title no longer suggests it. */
  keyTyped: boolean;
}

/** Sets the chamber's method (`PUT /rating-method`): indicators added, removed, renamed; levels; the reason. */
export function MethodForm({ current, onDone, onCancel }: MethodFormProps) {
  const [indicators, setIndicators] = useState<IndicatorRow[]>(
    current.method.indicators.map((i) => ({ key: i.key, title: i.title, keyTyped: true })),
  );
  const [levels, setLevels] = useState<string[]>([...current.method.levels]);
  const [reason, setReason] = useState('');
  const fields = [
    'indicators',
    'levels',
    'reason',
    ...indicators.flatMap((_, i) => [`indicators[${i}]`, `indicators[${i}].key`, `indicators[${i}].title`]),
    ...levels.map((_, i) => `levels[${i}]`),
  ];
  const { busy, errors, general, run } = useRefusalsByField(fields, strip);
  const setRow = (i: number, change: Partial<IndicatorRow>) =>
    setIndicators((rows) =>
      rows.map((r, j) => {
        if (j !== i) return r;
        const next = { ...r, ...change };
        // A new indicator's key follows its title until the key is typed.
        if (change.title !== undefined && !r.keyTyped) next.key = keyOf(change.title);
        return next;
      }),
    );
  const submit = async () => {
    // Written only on the version the page showed: the API refuses (RATING_METHOD_VERSION_CHANGED)
    // when another RPCT or administrator saved meanwhile, and the refusal says to reload.
    const r = await run(() =>
      put<RatingMethodView>('/rating-method', {
        method: {
          indicators: indicators.map((i) => ({ key: i.key.trim(), title: i.title.trim() })),
          levels: levels.map((l) => l.trim()),
        },
        reason: reason.trim(),
        expectedVersion: current.version,
      }),
    );
    if (!r) return;
    onDone(
      r.answer.changed
        ? `metodo di valutazione salvato, versione ${r.answer.version}`
        : 'il metodo indicato è già quello in vigore: nessuna nuova versione',
    );
  };
  return (
    <EditorForm
      title="Modifica il metodo di valutazione"
      onSubmit={() => void submit()}
      busy={busy}
      submitLabel="Salva il metodo"
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      <p className="small">
        Una nuova versione del metodo vale per le valutazioni successive. Se cambiano indicatori o livelli, i
        processi già valutati con la versione precedente vanno rivalutati nei registri ancora modificabili; i
        registri adottati non cambiano.
      </p>
      <fieldset>
        <legend>Indicatori di rischio (da 1 a 12)</legend>
        {errors.indicators ? (
          <div className="invalid-feedback d-block" role="alert">
            {errors.indicators}
          </div>
        ) : null}
        {indicators.map((row, i) => (
          <div className="row align-items-start register-indicator" key={i}>
            <div className="col-md-7">
              <Field
                label={`Titolo dell’indicatore ${i + 1}`}
                value={row.title}
                onChange={(v) => setRow(i, { title: v })}
                error={errors[`indicators[${i}].title`] ?? errors[`indicators[${i}]`]}
                required
              />
            </div>
            <div className="col-md-3">
              <Field
                label={`Chiave dell’indicatore ${i + 1}`}
                value={row.key}
                onChange={(v) => setRow(i, { key: v, keyTyped: true })}
                error={errors[`indicators[${i}].key`]}
                hint="Lettere minuscole, cifre e _"
                required
              />
            </div>
            <div className="col-md-2 pt-md-4">
              <button
                type="button"
                className="btn btn-outline-danger btn-sm"
                onClick={() => setIndicators((rows) => rows.filter((_, j) => j !== i))}
              >
                Rimuovi<span className="visually-hidden"> l’indicatore {i + 1}</span>
              </button>
            </div>
          </div>
        ))}
        <button
          type="button"
          className="btn btn-outline-primary btn-sm mb-3"
          onClick={() => setIndicators((rows) => [...rows, { key: '', title: '', keyTyped: false }])}
        >
          Aggiungi un indicatore
        </button>
      </fieldset>
      <fieldset>
        <legend>Livelli di valutazione, dal più basso (da 2 a 7)</legend>
        {errors.levels ? (
          <div className="invalid-feedback d-block" role="alert">
            {errors.levels}
          </div>
        ) : null}
        <div className="row">
          {levels.map((l, i) => (
            <div className="col-md-3" key={i}>
              <Field
                label={`Livello ${i + 1}`}
                value={l}
                onChange={(v) => setLevels((ls) => ls.map((x, j) => (j === i ? v : x)))}
                error={errors[`levels[${i}]`]}
                required
              />
              <button
                type="button"
                className="btn btn-outline-danger btn-sm mb-2"
                onClick={() => setLevels((ls) => ls.filter((_, j) => j !== i))}
              >
                Rimuovi<span className="visually-hidden"> il livello {i + 1}</span>
              </button>
            </div>
          ))}
        </div>
        <button
          type="button"
          className="btn btn-outline-primary btn-sm mb-3"
          onClick={() => setLevels((ls) => [...ls, ''])}
        >
          Aggiungi un livello
        </button>
      </fieldset>
      <Field
        label="Motivazione (ad esempio l’atto che approva il metodo)"
        as="textarea"
        value={reason}
        onChange={setReason}
        error={errors.reason}
        required
      />
    </EditorForm>
  );
}

/** Goes back to ANAC's method (`POST /rating-method/reset`), as a new version, with the reason. */
export function ResetForm({ current, onDone, onCancel }: MethodFormProps) {
  const [reason, setReason] = useState('');
  const { busy, errors, general, run } = useRefusalsByField(['reason'], strip);
  const submit = async () => {
    const r = await run(() =>
      post<RatingMethodView>('/rating-method/reset', { reason: reason.trim(), expectedVersion: current.version }),
    );
    if (!r) return;
    onDone(
      r.answer.changed
        ? `ripristinato il metodo ANAC, versione ${r.answer.version}`
        : 'il metodo ANAC è già in vigore: nessuna nuova versione',
    );
  };
  const anac = current.pna2019;
  return (
    <EditorForm
      title="Ripristina il metodo ANAC"
      onSubmit={() => void submit()}
      busy={busy}
      submitLabel="Ripristina il metodo ANAC"
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      <p className="small">
        Il metodo qualitativo del PNA 2019, Allegato 1: {anac.indicators.length} indicatori, livelli{' '}
        {anac.levels.map(levelLabel).join(', ')}. Diventa una nuova versione del metodo dell’ente.
      </p>
      <Field
        label="Motivazione"
        as="textarea"
        value={reason}
        onChange={setReason}
        error={errors.reason}
        required
      />
    </EditorForm>
  );
}
