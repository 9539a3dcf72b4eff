import { get } from '../../api';
import { ErrorAlert, Loading, StatusBadge, useLoad } from '../../components';
import { formatDateTime } from '../../labels';

interface PublishedAnchor {
  id: string;
  verifiedAt: string;
  position: number;
  seq: number;
  hash: string;
  signed: boolean;
  signatureValid: boolean | null;
  channels: { email: { recipients: number; status: string }; inApp: number; webhooks: string[] };
}

interface AnchorPage {
  items: PublishedAnchor[];
  total: number;
}

const SHOWN = 10;

const EMAIL_STATUS: Record<string, string> = {
  sent: 'inviata',
  sending: 'in invio',
  failed: 'non riuscita',
  pending: 'in attesa',
  none: 'nessun indirizzo',
};

function Signature({ a }: { a: PublishedAnchor }) {
  if (!a.signed) return <>No</>;
  if (a.signatureValid === false) return <StatusBadge tone="danger">Sì, firma NON valida</StatusBadge>;
  return <>{a.signatureValid ? 'Sì, firma verificata' : 'Sì'}</>;
}

function Channels({ c }: { c: PublishedAnchor['channels'] }) {
  const parts = [
    c.email.recipients ? `e-mail a ${c.email.recipients} (${EMAIL_STATUS[c.email.status] ?? c.email.status})` : 'e-mail: nessun indirizzo',
    `notifica in app a ${c.inApp}`,
    c.webhooks.length ? `webhook: ${c.webhooks.join(', ')}` : 'nessun webhook',
  ];
  return <>{parts.join('; ')}</>;
}

/**
 * The anchors the nightly verification published (RPCT, OIV, administrators): the head seal sent
 * by e-mail, in-app and to the webhooks, so that a copy lives outside the database.
 */
export function AnchorsPanel() {
  const anchors = useLoad((signal) => get<AnchorPage>(`/audit/anchors?limit=${SHOWN}`, { signal }), []);
  const items = anchors.data?.items ?? [];
  return (
    <section className="card card-body mb-4 shadow-sm" aria-labelledby="ancoraggi">
      <h2 id="ancoraggi" className="h5">Ultimi ancoraggi pubblicati</h2>
      <p className="small mb-2">
        Dopo ogni verifica notturna con esito positivo, il sigillo di testa del registro è inviato all’RPCT e all’OIV (e-mail e notifica) e ai webhook
        dell’ente: queste copie, conservate fuori dal sistema, permettono di accertare che il registro non sia stato riscritto (
        <code>ciclo audit verify --anchor …</code>).
      </p>
      <ErrorAlert error={anchors.error} />
      {anchors.loading ? <Loading /> : null}
      {!anchors.loading && !anchors.error && items.length === 0 ? (
        <p className="mb-0">Nessun ancoraggio pubblicato finora: la verifica notturna ne pubblica uno ogni notte.</p>
      ) : null}
      {items.length ? (
        <div className="table-responsive" tabIndex={0} role="region" aria-label="Ancoraggi pubblicati (scorrevole in orizzontale)">
          <table className="table table-sm mb-0">
            <caption>
              Ultimi ancoraggi pubblicati, dal più recente ({items.length} di {anchors.data?.total ?? items.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">Data della verifica</th>
                <th scope="col" className="text-end">Posizione</th>
                <th scope="col">Sigillo</th>
                <th scope="col">Firmato</th>
                <th scope="col">Canali</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td className="text-nowrap">{formatDateTime(a.verifiedAt)}</td>
                  <td className="text-end">{a.position}</td>
                  <td>
                    n. {a.seq}, <code title={a.hash}>{a.hash.slice(0, 12)}…</code>
                  </td>
                  <td>
                    <Signature a={a} />
                  </td>
                  <td>
                    <Channels c={a.channels} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
