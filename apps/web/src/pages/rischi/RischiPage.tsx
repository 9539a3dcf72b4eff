/**
 * `/cicli/:id/rischi`: the anticorruption risk register of a PTPCT or PIAO (section 2.3), for the
 * RPCT and the dirigenti: processes by rating, the measure status board, and, in the stages the
 * definition marks editable, the editors of processes, risk events, assessments and measures; once
 * adopted, the monitoring reports and the RPCT's checks.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { get } from '../../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { ERROR_MESSAGES, formatDate } from '../../labels';
import { useSession } from '../../session';
import { loadDefinition, type CycleView } from '../cycle-data';
import { ActionButton, EditorSlot, type Editor, type Powers } from './Editors';
import type { Register } from './labels';
import { MeasureBoard } from './MeasureBoard';
import { ProcessTable } from './ProcessTable';
import { Summary } from './Summary';
import '../plan/plan.css';
import './rischi.css';

/** Roles the API lets change the register (docs/anticorruption.md). */
const EDITORS = ['rpct', 'dirigente'];
const REPORTERS = ['dirigente', 'po'];

/** The titles of the stages in which the register can be edited (from the cycle's definition). */
async function editableStageTitles(cycleId: string, signal: AbortSignal): Promise<string[]> {
  const cycle = await get<CycleView>(`/cycles/${cycleId}`, { signal });
  const def = await loadDefinition(cycle.type, cycle.definitionVersion);
  return def.editableStages.map((s) => def.stages.find((x) => x.id === s)?.title ?? s);
}

export default function RischiPage() {
  const { id = '' } = useParams();
  const { actingRole } = useSession();
  const {
    data: reg,
    error,
    loading,
    reload,
  } = useLoad((signal) => get<Register>(`/cycles/${id}/register`, { signal }), [id]);
  const editable = reg?.editable;
  const { data: stageTitles } = useLoad(
    (signal) => (editable === false ? editableStageTitles(id, signal) : Promise.resolve([])),
    [id, editable],
  );
  const [editor, setEditor] = useState<Editor | null>(null);
  const [done, setDone] = useState<string>();
  /** The confirmation of an edit, said once the register has been read again (the page shows the change). */
  const [pending, setPending] = useState<{ message: string; before: Register | undefined }>();
  useEffect(() => {
    if (!pending || loading || reg === pending.before) return;
    setDone(pending.message);
    setPending(undefined);
    setTimeout(() => doneRef.current?.focus(), 0);
  }, [reg, loading, pending]);
  const doneRef = useRef<HTMLParagraphElement>(null);

  if (!reg) {
    return (
      <>
        <PageTitle title="Registro dei rischi corruttivi">Registro dei rischi corruttivi</PageTitle>
        {loading ? <Loading label="Caricamento del registro…" /> : null}
        <ErrorAlert error={error} />
      </>
    );
  }

  const role = actingRole ?? '';
  const powers: Powers = {
    edit: reg.editable && EDITORS.includes(role),
    dates: reg.editable && role === 'rpct',
    report: !!reg.adopted && REPORTERS.includes(role),
    check: !!reg.adopted && role === 'rpct',
  };
  const onDone = (message: string) => {
    setEditor(null);
    setDone(undefined);
    setPending({ message, before: reg });
    reload();
  };
  const open = (e: Editor | null) => {
    setDone(undefined);
    setEditor(e);
  };
  const why = reg.notEditableBecause;
  const readOnlyWhy = !reg.editable
    ? `${why ? why.message || ERROR_MESSAGES[why.code] : 'Il registro non è modificabile'}: fase «${reg.stageTitle}»${why?.code === 'PLAN_NOT_EDITABLE' && stageTitles?.length ? `; il registro si modifica nelle fasi ${stageTitles.map((t) => `«${t}»`).join(' e ')}` : ''}. Il registro è in sola lettura${reg.adopted ? '; le misure si rendicontano alle date di monitoraggio' : ''}.`
    : !EDITORS.includes(role)
      ? 'La modifica del registro spetta al RPCT e ai dirigenti: in questo ruolo il registro è in sola lettura.'
      : null;
  const slot = { reg, editor, onDone, onCancel: () => setEditor(null) };

  return (
    <div className="plan-page register-page">
      <nav aria-label="Percorso" className="mb-2">
        <Link to="/cicli">Cicli</Link> › <Link to={`/cicli/${reg.cycleId}`}>{reg.title}</Link> › Registro dei
        rischi
      </nav>
      <PageTitle title={`Registro dei rischi · ${reg.title}`}>Registro dei rischi corruttivi</PageTitle>
      <p className="lead mb-2">
        <Link to={`/cicli/${reg.cycleId}`}>{reg.title}</Link> · fase: <strong>{reg.stageTitle}</strong>
        {reg.adopted ? ` · adottato il ${formatDate(reg.adopted.at)}` : ''}
      </p>
      <p className="mb-2">
        <StatusBadge tone={reg.editable ? 'success' : 'secondary'}>
          {reg.editable ? 'Registro modificabile in questa fase' : 'Registro in sola lettura in questa fase'}
        </StatusBadge>
      </p>
      {readOnlyWhy ? (
        <div className="alert alert-info" role="note">
          {readOnlyWhy}
        </div>
      ) : null}
      <p className="small text-muted">
        Situazione al {formatDate(reg.date)}
        {reg.monitoringDates.length
          ? `; date di monitoraggio: ${reg.monitoringDates.map(formatDate).join(', ')}`
          : '; nessuna data di monitoraggio fissata'}
        . Valutazione del rischio con il metodo{' '}
        {reg.methodRef.source === 'pna2019'
          ? 'ANAC (PNA 2019)'
          : reg.methodRef.source === 'ente'
            ? `dell’ente, versione ${reg.methodRef.version}`
            : 'proprio del piano'}
        ; vedi il <Link to="/metodo-valutazione">metodo di valutazione del rischio</Link>.
      </p>
      {powers.dates ? (
        <p>
          <ActionButton
            label="Date di monitoraggio"
            target="delle misure"
            onClick={() => open({ form: 'dates' })}
          />
        </p>
      ) : null}
      {editor?.form === 'dates' ? <EditorSlot {...slot} /> : null}
      <p
        ref={doneRef}
        tabIndex={-1}
        role="status"
        aria-live="polite"
        className={done ? 'alert alert-success' : 'visually-hidden'}
      >
        {done ? `Fatto: ${done}` : ''}
      </p>
      {loading ? <Loading label="Aggiornamento del registro…" /> : null}
      <ErrorAlert error={error} />

      <Summary reg={reg} />
      <ProcessTable reg={reg} powers={powers} editor={editor} setEditor={open} onDone={onDone} />
      <MeasureBoard reg={reg} powers={powers} editor={editor} setEditor={open} onDone={onDone} />
    </div>
  );
}
