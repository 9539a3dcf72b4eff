/** Documents of the cycle (upload by drag and drop or file choice; listed with their SHA-256) and comments. */
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { ApiError, post, request } from '../../api';
import { ErrorAlert } from '../../components';
import { formatBytes, formatDateTime } from '../../labels';
import { personName, type CycleView, type People } from '../cycle-data';

export function Documents({ view, people, canAttach, onDone }: { view: CycleView; people?: People; canAttach: boolean; onDone(message: string): void }) {
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const input = useRef<HTMLInputElement>(null);

  async function upload(files: FileList | File[]) {
    const list = [...files];
    if (list.length === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      for (const f of list) {
        await request('POST', `/cycles/${view.id}/documents`, {
          raw: f,
          headers: { 'X-File-Name': encodeURIComponent(f.name), 'Content-Type': f.type || 'application/octet-stream' },
        });
      }
      onDone(list.length === 1 ? `Documento caricato: ${list[0].name}` : `${list.length} documenti caricati`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (canAttach) void upload(e.dataTransfer.files);
  };

  return (
    <>
      {view.attachments.length === 0 ? (
        <p>Nessun documento allegato.</p>
      ) : (
        <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
          <table className="table">
            <caption className="visually-hidden">Documenti allegati al ciclo</caption>
            <thead>
              <tr>
                <th scope="col">Documento</th>
                <th scope="col">Dimensione</th>
                <th scope="col">Impronta SHA-256</th>
                <th scope="col">Caricato da</th>
              </tr>
            </thead>
            <tbody>
              {view.attachments.map((a) => (
                <tr key={a.documentId}>
                  <td>
                    <a href={`/cycles/${view.id}/documents/${a.documentId}`} download={a.name}>
                      {a.name}
                    </a>
                    <div className="small text-muted">{a.mediaType}</div>
                  </td>
                  <td>{formatBytes(a.size)}</td>
                  <td>
                    <code className="hash">{a.sha256}</code>
                  </td>
                  <td>
                    {personName(people, a.by)}
                    <div className="small">{formatDateTime(a.at)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canAttach ? (
        <div
          className={`dropzone p-4 mb-3 text-center${over ? ' dropzone-over' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={drop}
        >
          <p className="mb-2">Trascina qui i file da allegare, oppure</p>
          <label htmlFor="carica-documento" className="btn btn-outline-primary mb-0">
            Scegli un file da caricare
          </label>
          <input
            ref={input}
            id="carica-documento"
            type="file"
            multiple
            className="visually-hidden"
            disabled={busy}
            onChange={(e) => e.target.files && void upload(e.target.files)}
          />
          {busy ? (
            <p className="mt-2 mb-0" role="status">
              Caricamento in corso…
            </p>
          ) : null}
        </div>
      ) : null}
      <ErrorAlert error={error} />
    </>
  );
}

export function Comments({ view, people, canComment, onDone }: { view: CycleView; people?: People; canComment: boolean; onDone(message: string): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) {
      setError('Campo obbligatorio: scrivere il commento');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await post(`/cycles/${view.id}/commands/comment`, { text });
      setText('');
      onDone('Commento aggiunto');
    } catch (err) {
      setError(err instanceof ApiError ? err.messageIt : 'Si è verificato un errore imprevisto');
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      {view.comments.length === 0 ? <p>Nessun commento.</p> : null}
      <ul className="list-unstyled">
        {view.comments.map((c) => (
          <li key={c.commentId} className="border-start border-3 ps-3 mb-3">
            <p className="mb-1">{c.text}</p>
            <p className="small text-muted mb-0">
              {personName(people, c.by)} · {formatDateTime(c.at)}
            </p>
          </li>
        ))}
      </ul>
      {canComment ? (
        <form onSubmit={submit} noValidate>
          <label htmlFor="nuovo-commento" className="form-label">
            Nuovo commento
          </label>
          <textarea
            id="nuovo-commento"
            className={`form-control${error ? ' is-invalid' : ''}`}
            rows={3}
            maxLength={4000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'nuovo-commento-errore' : undefined}
          />
          {error ? (
            <div id="nuovo-commento-errore" className="invalid-feedback d-block" role="alert">
              {error}
            </div>
          ) : null}
          <button type="submit" className="btn btn-outline-primary mt-2" disabled={busy}>
            Aggiungi il commento
          </button>
        </form>
      ) : null}
    </>
  );
}
