import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import 'bootstrap-italia/dist/css/bootstrap-italia.min.css';
import './fonts.css';
import './console.css';
import { Layout } from './Layout';
import { SessionProvider } from './session';
import { LoginPage } from './pages/Login';
import { NotYet } from './pages/placeholders';
import { Loading } from './components';

// The plan page brings the charts library: loaded only when visited.
const PlanPage = lazy(() => import('./pages/plan/PlanPage'));

const router = createBrowserRouter([
  { path: '/accesso', element: <LoginPage /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/da-fare" replace /> },
      { path: '/da-fare', element: <NotYet title="Da fare" /> },
      { path: '/cicli', element: <NotYet title="Cicli" /> },
      { path: '/cicli/:id', element: <NotYet title="Ciclo" /> },
      {
        path: '/cicli/:id/piano',
        element: (
          <Suspense fallback={<Loading label="Caricamento del piano…" />}>
            <PlanPage />
          </Suspense>
        ),
      },
      { path: '/scadenze', element: <NotYet title="Scadenze" /> },
      { path: '/notifiche', element: <NotYet title="Notifiche" /> },
      { path: '/registro', element: <NotYet title="Registro delle attività" /> },
      { path: '/amministrazione/*', element: <NotYet title="Amministrazione" /> },
      { path: '*', element: <NotYet title="Pagina non trovata" /> },
    ],
  },
]);

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  </StrictMode>,
);
