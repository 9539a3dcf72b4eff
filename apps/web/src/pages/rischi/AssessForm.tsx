/** The assessment of a process by the method in force: each key indicator rated with its reason, the overall rating with its motivation. */
import { useState } from 'react';
import { EditorForm, Field, useRegisterCommand } from './form';
import type { EditorProps } from './ItemForms';
import { levelLabel, suggestedLevel, type Process } from './labels';

export function AssessForm({ reg, process, onDone, onCancel }: EditorProps & { process: Process }) {
  const { indicators, levels } = reg.method;
  const keys = indicators.flatMap((i) => [
    `indicators.${i.key}`,
    `indicators.${i.key}.level`,
    `indicators.${i.key}.reason`,
  ]);
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, ['rating', 'motivation', ...keys]);
  const [rated, setRated] = useState<Record<string, { level: string; reason: string }>>(() =>
    Object.fromEntries(
      indicators.map((i) => [
        i.key,
        {
          level: levels.includes(process.indicators[i.key]?.level ?? '')
            ? process.indicators[i.key].level
            : '',
          reason: process.indicators[i.key]?.reason ?? '',
        },
      ]),
    ),
  );
  const [rating, setRating] = useState(process.rating ?? '');
  const [motivation, setMotivation] = useState(process.motivation ?? '');
  const suggested = suggestedLevel(
    levels,
    Object.values(rated)
      .map((r) => r.level)
      .filter(Boolean),
  );
  const levelOptions = [
    { value: '', label: 'Scegliere…' },
    ...levels.map((l) => ({ value: l, label: levelLabel(l) })),
  ];
  const set = (key: string, patch: Partial<{ level: string; reason: string }>) =>
    setRated((r) => ({ ...r, [key]: { ...r[key], ...patch } }));

  function submit() {
    void run('assess_risk', {
      processCode: process.code,
      indicators: Object.fromEntries(
        Object.entries(rated).map(([k, v]) => [k, { level: v.level, reason: v.reason.trim() }]),
      ),
      rating,
      motivation: motivation.trim(),
    }).then((ok) => ok && onDone(`Processo ${process.code} valutato: ${levelLabel(rating).toLowerCase()}`));
  }

  return (
    <EditorForm
      title={`Valuta il rischio del processo ${process.code}`}
      onSubmit={submit}
      busy={busy}
      submitLabel="Salva la valutazione"
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      <p className="small">
        Ogni indicatore di rischio si valuta con il livello e la motivazione (i dati e i fatti considerati);
        il giudizio complessivo non è una media.
      </p>
      {indicators.map((ind) => (
        <fieldset key={ind.key} className="register-indicator">
          <legend className="h6">{ind.title}</legend>
          <div className="row">
            <div className="col-md-3">
              <Field
                label="Livello"
                labelMore={`: ${ind.title}`}
                value={rated[ind.key].level}
                onChange={(level) => set(ind.key, { level })}
                options={levelOptions}
                error={errors[`indicators.${ind.key}.level`] ?? errors[`indicators.${ind.key}`]}
              />
            </div>
            <div className="col-md-9">
              <Field
                label="Motivazione"
                labelMore={`: ${ind.title}`}
                value={rated[ind.key].reason}
                onChange={(reason) => set(ind.key, { reason })}
                error={errors[`indicators.${ind.key}.reason`]}
              />
            </div>
          </div>
        </fieldset>
      ))}
      <fieldset className="register-indicator">
        <legend className="h6">Giudizio complessivo</legend>
        <p className="small mb-2" aria-live="polite">
          {suggested
            ? `Livello prevalente tra gli indicatori: ${levelLabel(suggested).toLowerCase()} (un riferimento, non vincolante).`
            : 'Il livello prevalente compare quando gli indicatori sono valutati.'}
        </p>
        <div className="row">
          <div className="col-md-3">
            <Field
              label="Valutazione complessiva"
              value={rating}
              onChange={setRating}
              options={levelOptions}
              error={errors.rating}
              required
            />
          </div>
          <div className="col-md-9">
            <Field
              label="Motivazione del giudizio"
              value={motivation}
              onChange={setMotivation}
              error={errors.motivation}
              required
              as="textarea"
            />
          </div>
        </div>
      </fieldset>
    </EditorForm>
  );
}
