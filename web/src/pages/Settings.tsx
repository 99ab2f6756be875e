/**
 * Settings: workspace (addresses, hours, competitors, SLA targets, weights), members and
 * roles, API tokens, webhooks, and mail accounts when the server has them.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { useSession } from '../components/AppLayout';
import { ImportPanel } from '../components/ImportPanel';
import { MembersSection } from '../components/settings/MembersSection';
import { TokensSection, WebhooksSection } from '../components/settings/TokensSection';
import { WorkspaceSettingsForm } from '../components/settings/WorkspaceSettingsForm';
import { PageHeader, QueryState } from '../components/ui';

export default function Settings() {
  const session = useSession();
  const settings = useQuery({ queryKey: ['settings'], queryFn: api.settings });
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: api.accounts, retry: false });
  const role = session.data?.role ?? 'viewer';
  const isAdmin = role === 'owner' || role === 'admin';
  return (
    <div className="stack" style={{ gap: '1rem' }}>
      <PageHeader title="Settings" />
      <QueryState isPending={settings.isPending} error={settings.error}>
        {settings.data && <WorkspaceSettingsForm settings={settings.data} canEdit={isAdmin} />}
      </QueryState>
      <div className="grid two">
        <MembersSection myId={session.data?.user.id ?? ''} canManage={isAdmin} />
        {isAdmin && <TokensSection />}
      </div>
      {isAdmin && <WebhooksSection />}
      {accounts.data && (
        <section className="card stack" aria-labelledby="accounts-h">
          <h2 id="accounts-h">Mail accounts</h2>
          {accounts.data.length === 0 ? <p className="muted">No mail account yet: add one with <code>rapport account add</code>.</p> : (
            <ul>{accounts.data.map((a) => <li key={a.id}>{a.imap}</li>)}</ul>
          )}
        </section>
      )}
      <section className="card">
        <ImportPanel />
      </section>
    </div>
  );
}
