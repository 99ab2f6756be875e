/**
 * Settings: workspace (addresses, hours, competitors, SLA targets, weights), members and
 * roles, mail accounts, the newsletter's public address, API tokens, webhooks, and an import.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { useSession } from '../components/AppLayout';
import { ImportPanel } from '../components/ImportPanel';
import { JobsSection } from '../components/settings/JobsSection';
import { MailAccountsSection } from '../components/settings/MailAccountsSection';
import { MembersSection } from '../components/settings/MembersSection';
import { PublicAddressSection } from '../components/settings/PublicAddressSection';
import { TokensSection, WebhooksSection } from '../components/settings/TokensSection';
import { WorkspaceSettingsForm } from '../components/settings/WorkspaceSettingsForm';
import { PageHeader, QueryState } from '../components/ui';

export default function Settings() {
  const session = useSession();
  const settings = useQuery({ queryKey: ['settings'], queryFn: api.settings });
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
      <MailAccountsSection canManage={isAdmin} />
      {settings.data && <PublicAddressSection settings={settings.data} canEdit={isAdmin} />}
      {isAdmin && <WebhooksSection />}
      {isAdmin && <JobsSection />}
      <section className="card">
        <ImportPanel />
      </section>
    </div>
  );
}
