import { NavLink, Route, Routes } from 'react-router';
import { PageTitle } from '../../components';
import { useHasRole, useSession } from '../../session';
import { ChiaviPanel } from './ChiaviPanel';
import { DefinitionDetail, DefinizioniPanel } from './DefinizioniPanel';
import { EntePanel } from './EntePanel';
import { PersonePanel } from './PersonePanel';

const SECTIONS = [
  { to: '/amministrazione', label: 'Ente', end: true },
  { to: '/amministrazione/persone', label: 'Persone e ruoli' },
  { to: '/amministrazione/chiavi', label: 'Chiavi API' },
  { to: '/amministrazione/definizioni', label: 'Definizioni dei cicli' },
];

/** Administration of the tenant (admin role): the body, people and roles, API keys, cycle definitions, the queues. */
export function AmministrazionePage() {
  const { session } = useSession();
  const admin = useHasRole('admin');
  const tenant = session?.user?.tenant ?? '';
  if (!admin) {
    return (
      <>
        <PageTitle title="Amministrazione">Amministrazione</PageTitle>
        <div className="alert alert-warning">Questa sezione è riservata a chi ha il ruolo di amministratore dell'ente.</div>
      </>
    );
  }
  return (
    <>
      <PageTitle title="Amministrazione">Amministrazione</PageTitle>
      <nav aria-label="Sezioni dell'amministrazione" className="mb-4">
        <ul className="nav nav-tabs flex-wrap">
          {SECTIONS.map((s) => (
            <li className="nav-item" key={s.to}>
              <NavLink end={s.end} to={s.to} className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}>
                {s.label}
              </NavLink>
            </li>
          ))}
          <li className="nav-item">
            <a className="nav-link" href="/admin/queues">
              Code di elaborazione (promemoria e webhook)
            </a>
          </li>
        </ul>
      </nav>
      <Routes>
        <Route index element={<EntePanel tenant={tenant} />} />
        <Route path="persone" element={<PersonePanel tenant={tenant} />} />
        <Route path="chiavi" element={<ChiaviPanel tenant={tenant} />} />
        <Route path="definizioni" element={<DefinizioniPanel />} />
        <Route path="definizioni/:id/:version" element={<DefinitionDetail />} />
        <Route path="*" element={<p className="alert alert-info">Sezione inesistente.</p>} />
      </Routes>
    </>
  );
}
