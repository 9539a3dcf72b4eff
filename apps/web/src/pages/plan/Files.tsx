/** Plan export (CSV, XLSX, JSON by PIAO sections) and import of an indicator sheet (CSV/XLSX, Italian headers). */
import { useId, useRef, useState } from 'react';
import { request } from '../../api';
import { ERROR_MESSAGES } from '../../labels';
import { Refusal } from './forms';
import type { ImportReport, PlanResponse } from './types';

const CREATED_LABEL: Record<string, [string, string]> = {
  ambiti: ['ambito', 'ambiti'],
  strategicObjectives: ['obiettivo strategico', 'obiettivi strategici'],
  operationalObjectives: ['obiettivo operativo', 'obiettivi operativi'],
  indicators: ['indicatore', 'indicatori'],
};

export function PlanFiles({ plan, canImport, onChanged }: { plan: PlanResponse; canImport: boolean; onChanged(): void }) {
  const base = `/cycles/${plan.cycleId}/plan/export`;
  const fileId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [report, setReport] = useState<ImportReport | null>(null);

  async function upload() {
    const file = input.current?.files?.[0];
    setError(undefined);
    setReport(null);
    if (!file) {
      setError(new Error('Scegliere un file CSV o XLSX'));
      return;
    }
    setBusy(true);
    try {
      const r = await request<ImportReport>('POST', `/cycles/${plan.cycleId}/plan/import`, { raw: await file.arrayBuffer(), headers: { 'X-File-Name': encodeURIComponent(file.name), 'Content-Type': file.type || 'application/octet-stream' } });
      setReport(r);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const created = report ? Object.entries(report.created).map(([k, n]) => `${n} ${CREATED_LABEL[k]?.[n === 1 ? 0 : 1] ?? k}`) : [];
  return (
    <div>
      <section className="mb-4" aria-labelledby="esporta">
        <h3 id="esporta" className="h5">
          Esporta il piano
        </h3>
        <ul>
          <li>
            <a href={`${base}?format=xlsx`} download>
              Foglio degli indicatori (XLSX)
            </a>
          </li>
          <li>
            <a href={`${base}?format=csv`} download>
              Foglio degli indicatori (CSV)
            </a>
          </li>
          <li>
            <a href={`${base}?format=json`} download={`piano-${plan.cycleId}.json`}>
              PIAO per sezioni del DM 132/2022 (JSON)
            </a>
          </li>
        </ul>
        <p className="small">Il foglio ha le stesse intestazioni italiane che l’importazione legge: un foglio esportato si reimporta senza modifiche.</p>
      </section>
      <section aria-labelledby="importa">
        <h3 id="importa" className="h5">
          Importa un foglio degli indicatori
        </h3>
        {!canImport ? (
          <p>{plan.editable ? 'L’importazione modifica l’albero: è riservata a chi lo redige (PO, dirigenti, struttura tecnica).' : `L’albero non è modificabile ora: ${plan.notEditableBecause ? (ERROR_MESSAGES[plan.notEditableBecause.code] ?? plan.notEditableBecause.code).toLowerCase() : ''}.`}</p>
        ) : (
          <form
            className="plan-form"
            onSubmit={(e) => {
              e.preventDefault();
              void upload();
            }}
          >
            <p className="small">
              Una riga per indicatore, intestazioni come nel piano: Codice obiettivo, Indicatori, UdM, Tipologia, Stato &lt;anno&gt;, Target &lt;anno&gt;, Peso indicatori, Algoritmo, Fonte dati; gli elementi già presenti vengono aggiornati.
            </p>
            <Refusal error={error} />
            <div className="form-group">
              <label htmlFor={fileId}>File CSV o XLSX</label>
              <input id={fileId} ref={input} type="file" className="form-control" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
            </div>
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
              {busy ? 'Importazione in corso…' : 'Importa'}
            </button>
          </form>
        )}
        <div role="status" aria-live="polite">
          {report ? (
            <div className={`alert ${report.refused.length ? 'alert-warning' : 'alert-success'} mt-3`}>
              <p className="mb-1">
                {report.events === 0 && report.replayed ? 'File già importato: nulla di nuovo da scrivere.' : `Importazione completata: ${created.length ? `elementi creati: ${created.join(', ')}` : 'nessun elemento nuovo'}; aggiornati ${report.updated}, invariati ${report.unchanged}.`}
              </p>
              {report.refused.length ? (
                <>
                  <p className="mb-1">{report.refused.length} righe rifiutate:</p>
                  <ul className="mb-0">
                    {report.refused.map((r, i) => (
                      <li key={i}>
                        {r.ref}: {ERROR_MESSAGES[r.code] ?? r.code} ({r.reason})
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : null}
        </div>
      </section>
    </div>
  );
}
