import { useState } from 'react';
import { get } from '../../api';
import { ErrorAlert, StatusBadge } from '../../components';
import { formatDateTime } from '../../labels';
import { useSession } from '../../session';
import { chainProblem, verifierLabel } from './audit-labels';

export interface LastVerification {
  verifiedAt: string;
  actorId: string;
  trigger: string | null;
  intact: boolean;
  intactUpTo: number;
  checkedEvents: number;
  firstBad: { position: number; problem: string; detail: string } | null;
}

interface Verification {
  intact: boolean;
  intactUpTo: number;
  firstBad: { position: number; problem: string; detail: string } | null;
  checkedEvents: number;
  verifiedAt: string;
}

function Outcome({ intact, intactUpTo, firstBad }: { intact: boolean; intactUpTo: number; firstBad: Verification['firstBad'] }) {
  return intact ? (
    <StatusBadge tone="success">integro fino alla posizione {intactUpTo}</StatusBadge>
  ) : (
    <>
      <StatusBadge tone="danger">
        prima posizione non valida: {firstBad?.position ?? '?'} ({chainProblem(firstBad?.problem ?? '')})
      </StatusBadge>{' '}
      integro fino alla posizione {intactUpTo}
    </>
  );
}

/** The hash chain: the last recorded verification, and a verification now. */
export function ChainPanel({ last }: { last: LastVerification | null }) {
  const { session } = useSession();
  const [now, setNow] = useState<Verification>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function verify() {
    setBusy(true);
    setError(undefined);
    try {
      setNow(await get<Verification>('/audit/verify'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card card-body mb-4 shadow-sm" aria-labelledby="catena">
      <h2 id="catena" className="h5">Integrità della catena di hash</h2>
      <p className="mb-2">
        <strong>Ultima verifica registrata: </strong>
        {last ? (
          <>
            {formatDateTime(last.verifiedAt)}, eseguita da {verifierLabel(last.actorId, last.trigger)} —{' '}
            <Outcome intact={last.intact} intactUpTo={last.intactUpTo} firstBad={last.firstBad} />
          </>
        ) : (
          'nessuna verifica registrata finora (la verifica automatica avviene ogni notte alle 2:00).'
        )}
      </p>
      <div role="status" aria-live="polite">
        {now ? (
          <p className="mb-2">
            <strong>Verifica eseguita ora</strong> ({formatDateTime(now.verifiedAt)}, da {session?.user?.name ?? session?.user?.userId}, {now.checkedEvents} eventi controllati):{' '}
            <Outcome intact={now.intact} intactUpTo={now.intactUpTo} firstBad={now.firstBad} />
          </p>
        ) : null}
      </div>
      <ErrorAlert error={error} />
      <div>
        <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={() => void verify()}>
          {busy ? 'Verifica in corso…' : 'Verifica ora'}
        </button>
      </div>
    </section>
  );
}
