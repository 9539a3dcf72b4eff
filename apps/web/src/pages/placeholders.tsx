import { PageTitle } from '../components';

/** Sections not yet built in this console: they say so plainly. */
export function NotYet({ title }: { title: string }) {
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <div className="alert alert-info">Questa sezione della console non è ancora disponibile; i dati restano accessibili tramite l'API (documentata in /docs).</div>
    </>
  );
}
