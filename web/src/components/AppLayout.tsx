/**
 * The signed-in shell: skip link, sidebar navigation, theme toggle and the page outlet.
 * Without a session it sends the user to sign in; without a workspace, to onboarding.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError, api } from '../api';
import { useWorkspaceFormat } from '../format';
import { ThemeToggle } from './ThemeToggle';

const NAV = [
  { to: '/today', label: 'Today', icon: '☀' },
  { to: '/waiting', label: 'Waiting on you', icon: '◷' },
  { to: '/contacts', label: 'Contacts', icon: '◎' },
  { to: '/reports', label: 'Reports', icon: '▤' },
  { to: '/newsletter', label: 'Newsletter', icon: '✉' },
  { to: '/settings', label: 'Settings', icon: '⚙' },
];

export function useSession() {
  return useQuery({ queryKey: ['session'], queryFn: api.session, staleTime: 5 * 60_000, retry: false });
}

export function AppLayout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // The phone menu is open on the page it was opened on: moving to another page closes it.
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === location.pathname;
  // Dates on every page are in the workspace's zone: the pages wait for it (one small request).
  const settings = useQuery({ queryKey: ['settings'], queryFn: api.settings, enabled: !!session.data?.workspace });
  useWorkspaceFormat(settings.data?.time_zone, settings.data?.locale);


  if (session.isPending) return <p className="boot" role="status">Loading Rapport…</p>;
  if (session.error instanceof ApiError && session.error.status === 401) return <Navigate to="/signin" replace />;
  if (session.error) return <p className="boot error" role="alert">Could not reach the server: {session.error.message}</p>;
  if (!session.data.workspace) return <Navigate to="/onboarding" replace />;

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    queryClient.clear();
    navigate('/signin');
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <button type="button" className="icon-btn menu-btn" aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuOpenOn(menuOpen ? null : location.pathname)}>
          <span aria-hidden="true">☰</span>
          <span className="sr-only">Menu</span>
        </button>
        <span className="brand">Rapport</span>
        <ThemeToggle />
      </header>
      <nav id="sidebar" className={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
        <div className="brand sidebar-brand">
          <span className="logo" aria-hidden="true">◆</span> Rapport
        </div>
        <p className="workspace-name">{session.data.workspace.name}</p>
        {session.data.memberships.length > 1 && <WorkspaceSwitcher current={session.data.workspace.slug} memberships={session.data.memberships} />}
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to}>
                <span aria-hidden="true" className="nav-icon">{item.icon}</span>
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <ThemeToggle />
          <span className="user" title={session.data.user.email}>{session.data.user.name ?? session.data.user.email}</span>
          <button type="button" className="btn ghost small" onClick={signOut}>Sign out</button>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        {settings.isPending && !settings.error ? <p className="muted" role="status">Loading…</p> : <Outlet />}
      </main>
    </div>
  );
}

/** Switch the session to another workspace of the user's: every cached page belongs to the old one. */
function WorkspaceSwitcher({ current, memberships }: { current: string; memberships: { slug: string; name: string }[] }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState('');
  const change = async (slug: string) => {
    setError('');
    try {
      const session = await api.switchWorkspace(slug);
      queryClient.clear();
      queryClient.setQueryData(['session'], session);
      navigate('/today');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="workspace-switch">
      <label htmlFor="workspace-switch">Workspace</label>
      <select id="workspace-switch" value={current} onChange={(e) => void change(e.target.value)}>
        {memberships.map((m) => (
          <option key={m.slug} value={m.slug}>{memberships.filter((o) => o.name === m.name).length > 1 ? `${m.name} (${m.slug})` : m.name}</option>
        ))}
      </select>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
