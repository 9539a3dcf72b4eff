import { get } from '../../api';
import { ErrorAlert, Loading, useLoad } from '../../components';
import { formatDate, formatDateTime } from '../../labels';

interface TenantRecord {
  id: string;
  name: string;
  ipaCode: string;
  timeZone: string;
  patronDays: { month: number; day: number; name: string; legalHoliday: boolean }[];
  extraClosures: string[];
  registeredAt: string;
  registeredBy: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The body's record: name, IPA code, time zone, closure days. */
export function EntePanel({ tenant }: { tenant: string }) {
  const { data, error, loading } = useLoad((signal) => get<TenantRecord>(`/tenants/${encodeURIComponent(tenant)}`, { signal }), [tenant]);
  if (loading) return <Loading />;
  if (!data) return <ErrorAlert error={error} />;
  return (
    <section aria-labelledby="dati-ente">
      <h2 id="dati-ente" className="h4">Dati dell'ente</h2>
      <dl className="row">
        <dt className="col-sm-3">Denominazione</dt>
        <dd className="col-sm-9">{data.name}</dd>
        <dt className="col-sm-3">Identificativo</dt>
        <dd className="col-sm-9"><code>{data.id}</code></dd>
        <dt className="col-sm-3">Codice IPA</dt>
        <dd className="col-sm-9"><code>{data.ipaCode}</code></dd>
        <dt className="col-sm-3">Fuso orario</dt>
        <dd className="col-sm-9">{data.timeZone}</dd>
        <dt className="col-sm-3">Registrato</dt>
        <dd className="col-sm-9">{formatDateTime(data.registeredAt)} da {data.registeredBy}</dd>
      </dl>
      <h3 className="h5">Giorni di chiusura</h3>
      <p className="small">I promemoria non partono nei giorni di chiusura; le scadenze si spostano solo per le festività di legge.</p>
      {data.patronDays.length === 0 && data.extraClosures.length === 0 ? <p>Nessun giorno di chiusura oltre alle festività nazionali.</p> : null}
      {data.patronDays.length > 0 ? (
        <table className="table table-sm">
          <caption>Feste patronali (ogni anno)</caption>
          <thead>
            <tr>
              <th scope="col">Giorno</th>
              <th scope="col">Ricorrenza</th>
              <th scope="col">Festività di legge</th>
            </tr>
          </thead>
          <tbody>
            {data.patronDays.map((p) => (
              <tr key={`${p.month}-${p.day}`}>
                <td>{pad(p.day)}/{pad(p.month)}</td>
                <td>{p.name}</td>
                <td>{p.legalHoliday ? 'sì (sposta le scadenze)' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data.extraClosures.length > 0 ? (
        <>
          <h4 className="h6">Chiusure straordinarie</h4>
          <ul>
            {data.extraClosures.map((d) => (
              <li key={d}>{formatDate(d)}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="small">I dati dell'ente si registrano con <code>ciclo tenants create</code> (amministratori della piattaforma).</p>
    </section>
  );
}
