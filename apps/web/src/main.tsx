import { StrictMode } from 'react';
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

// Pages other than the inbox and the list are loaded when first opened, through the router's
// `lazy` (not React.lazy under Suspense: React throttles a Suspense reveal by up to 300 ms, which
// delayed the cycle page's data requests by that much).

const router = createBrowserRouter([
  { path: '/accesso', element: <LoginPage /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/da-fare" replace /> },
      { path: '/da-fare', element: <InboxPage /> },
      { path: '/cicli', element: <CyclesPage /> },
      { path: '/cicli/:id', lazy: async () => ({ Component: (await import('./pages/cycle/CyclePage')).default }) },
      { path: '/cicli/:id/piano', lazy: async () => ({ Component: (await import('./pages/plan/PlanPage')).default }) },
      { path: '/cicli/:id/rischi', lazy: async () => ({ Component: (await import('./pages/rischi/RischiPage')).default }) },
      { path: '/metodo-valutazione', lazy: async () => ({ Component: (await import('./pages/rischi/MetodoPage')).default }) },
      { path: '/scadenze', lazy: async () => ({ Component: (await import('./pages/scadenze/ScadenzePage')).ScadenzePage }) },
      { path: '/notifiche', lazy: async () => ({ Component: (await import('./pages/notifiche/NotifichePage')).NotifichePage }) },
      { path: '/trasparenza', lazy: async () => ({ Component: (await import('./pages/trasparenza/TrasparenzaPage')).TrasparenzaPage }) },
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
