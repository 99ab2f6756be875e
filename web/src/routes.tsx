/**
 * The pages of SPEC §8.3. Every page is its own lazy chunk, so the first visit loads only the
 * shell (router, data layer, layout) and the page it lands on. A page whose first rows take
 * a request has that request started by its route, beside its code, not after it.
 */
import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { RouteError } from './components/RouteError';
import { prefetchContacts } from './contact-pages';
import { prefetchToday, prefetchWaiting } from './page-queries';

// Shown while the first page's chunk loads; without it React Router warns on every start.
const booting = <p className="boot" role="status">Loading Rapport…</p>;
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default });

export const router = createBrowserRouter([
  { path: '/signin', lazy: page(() => import('./pages/SignIn')), errorElement: <RouteError />, hydrateFallbackElement: booting },
  { path: '/invite/:token', lazy: page(() => import('./pages/AcceptInvitation')), errorElement: <RouteError />, hydrateFallbackElement: booting },
  { path: '/onboarding', lazy: page(() => import('./pages/Onboarding')), errorElement: <RouteError />, hydrateFallbackElement: booting },
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: booting,
    children: [
      { index: true, element: <Navigate to="/today" replace /> },
      { path: 'today', loader: prefetchToday, lazy: page(() => import('./pages/Today')) },
      { path: 'waiting', loader: prefetchWaiting, lazy: page(() => import('./pages/Waiting')) },
      { path: 'contacts', loader: prefetchContacts, lazy: page(() => import('./pages/Contacts')) },
      { path: 'contacts/:id', lazy: page(() => import('./pages/ContactPage')) },
      { path: 'reports', lazy: page(() => import('./pages/Reports')) },
      { path: 'newsletter', lazy: page(() => import('./pages/Newsletter')) },
      { path: 'settings', lazy: page(() => import('./pages/Settings')) },
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ],
  },
]);
