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
import { InboxPage } from './pages/InboxPage';
import { CyclesPage } from './pages/CyclesPage';
import { Loading } from './components';

// The cycle page is the heaviest: loaded when first opened, not with the console.
const CyclePage = lazy(() => import('./pages/cycle/CyclePage'));

const router = createBrowserRouter([
  { path: '/accesso', element: <LoginPage /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/da-fare" replace /> },
      { path: '/da-fare', element: <InboxPage /> },
      { path: '/cicli', element: <CyclesPage /> },
      {
        path: '/cicli/:id',
        element: (
          <Suspense fallback={<Loading />}>
            <CyclePage />
          </Suspense>
        ),
      },
      { path: '/cicli/:id/piano', element: <NotYet title="Piano della performance" /> },
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
