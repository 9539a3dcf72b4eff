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
      { path: '/cicli/:id/piano', lazy: async () => ({ Component: (await import('./pages/plan/PlanPage')).default }) },
      { path: '/scadenze', lazy: async () => ({ Component: (await import('./pages/scadenze/ScadenzePage')).ScadenzePage }) },
      { path: '/notifiche', lazy: async () => ({ Component: (await import('./pages/notifiche/NotifichePage')).NotifichePage }) },
      { path: '/registro', lazy: async () => ({ Component: (await import('./pages/registro/RegistroPage')).RegistroPage }) },
      { path: '/amministrazione/*', lazy: async () => ({ Component: (await import('./pages/amministrazione/AmministrazionePage')).AmministrazionePage }) },
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
