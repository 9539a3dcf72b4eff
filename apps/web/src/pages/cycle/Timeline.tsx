/** Every event of the cycle: who (by name), in which role, when, and what it carried. */
import { formatBytes, formatDate, formatDateTime, roleLabel } from '../../labels';
import { personName, type Attachment, type DefinitionView, type HistoryEntry, type People } from '../cycle-data';
import { enumLabel, EVENT_LABELS, fieldLabel } from '../cycle-labels';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

function Details({ e, def, attachments }: { e: HistoryEntry; def: DefinitionView; attachments: Attachment[] }) {
  const d = e.data;
  const stageTitle = (id: unknown) => def.stages.find((s) => s.id === id)?.title ?? String(id);
  const rows: [string, React.ReactNode][] = [];
  if (e.type === 'DocumentAttached') {
    rows.push(['Documento', `${String(d.name)} (${formatBytes(Number(d.size))}, ${String(d.mediaType)})`]);
    rows.push(['SHA-256', <code className="hash">{String(d.sha256)}</code>]);
    if (str(d.note)) rows.push(['Nota', String(d.note)]);
  } else if (e.type === 'CommentAdded') {
    rows.push(['Testo', String(d.text)]);
  } else if (e.type === 'CycleCancelled') {
    rows.push(['Motivazione', String(d.reason)]);
  } else if (e.type === 'DeadlineMoved') {
    rows.push(['Scadenza', `${String(d.deadlineId)}: dal ${formatDate(d.fromDate as string)} al ${formatDate(d.toDate as string)}`]);
    rows.push(['Motivazione', `${String(d.reason)} (${String(d.reference)})`]);
  } else if (e.type === 'NarrativeSectionWritten') {
    rows.push(['Sezione', String(d.section)]);
    rows.push(['Testo', str(d.text) ? `${String(d.text).slice(0, 300)}${String(d.text).length > 300 ? '…' : ''}` : '(sezione svuotata)']);
  } else if (e.type === 'CycleOpened') {
    rows.push(['Periodo', String(d.periodLabel)]);
  } else if (typeof d.command === 'string') {
    const t = def.transitions.find((x) => x.command === d.command);
    rows.push(['Fase', `${stageTitle(d.from)} → ${stageTitle(d.to)}`]);
    const fields = (d.fields ?? {}) as Record<string, unknown>;
    for (const f of t?.inputs ?? []) {
      const v = fields[f.name];
      if (v === undefined || v === null || v === '') continue;
      let shown: React.ReactNode = String(v);
      if (f.type === 'date') shown = formatDate(String(v));
      else if (f.type === 'datetime') shown = formatDateTime(String(v));
      else if (f.type === 'enum') shown = enumLabel(String(v));
      else if (f.type === 'boolean') shown = v ? 'sì' : 'no';
      else if (f.type === 'url') shown = <a href={String(v)}>{String(v)}</a>;
      else if (f.type === 'sha256') {
        const doc = attachments.find((a) => a.sha256 === v);
        shown = (
          <>
            {doc ? `${doc.name} — ` : ''}
            <code className="hash">{String(v)}</code>
          </>
        );
      }
      rows.push([fieldLabel(f, t?.kind), shown]);
    }
  }
  if (rows.length === 0) return null;
  return (
    <dl className="timeline-details row mb-0">
      {rows.map(([k, v], i) => (
        <div key={i} className="col-12 d-flex flex-wrap gap-2">
          <dt>{k}:</dt>
          <dd className="mb-1">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Timeline({ entries, def, people, attachments }: { entries: HistoryEntry[]; def: DefinitionView; people?: People; attachments: Attachment[] }) {
  const title = (e: HistoryEntry) =>
    typeof e.data.command === 'string' ? (def.transitions.find((t) => t.command === e.data.command)?.title ?? String(e.data.command)) : (EVENT_LABELS[e.type] ?? e.type);
  return (
    <ol className="timeline list-unstyled" reversed>
      {[...entries].reverse().map((e) => (
        <li key={e.version} className="timeline-entry">
          <div className="d-flex flex-wrap justify-content-between gap-2">
            <h3 className="h6 mb-1">
              <span className="text-muted me-2">v{e.version}</span>
              {title(e)}
            </h3>
            <time dateTime={e.occurredAt} className="small">
              {formatDateTime(e.occurredAt)}
            </time>
          </div>
          <p className="mb-1 small">
            {personName(people, e.actorId)}
            {e.actorRole ? ` · ${roleLabel(e.actorRole)}` : ''}
          </p>
          {e.reason && !(e.data.fields as Record<string, unknown> | undefined)?.reason ? <p className="mb-1">Motivazione: {e.reason}</p> : null}
          <Details e={e} def={def} attachments={attachments} />
        </li>
      ))}
    </ol>
  );
}
