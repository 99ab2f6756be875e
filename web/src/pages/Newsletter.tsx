/**
 * The Newsletter page: lists with subscribers by status (new list, CSV import with consent),
 * one list's subscribers (add one, unsubscribe one),
 * campaigns (write, preview, test send, send, stats), the funnel (subscribers to clients, per list and month) and drip sequences.
 */
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../components/AppLayout';
import { CampaignsSection } from '../components/newsletter/CampaignsSection';
import { DripsSection } from '../components/newsletter/DripsSection';
import { FunnelSection } from '../components/newsletter/FunnelSection';
import { ListsSection } from '../components/newsletter/ListsSection';
import { SubscribersSection } from '../components/newsletter/SubscribersSection';
import { PageHeader } from '../components/ui';
import { newsletterGrowApi } from '../newsletter-api';

export default function Newsletter() {
  const session = useSession();
  const role = session.data?.role ?? 'viewer';
  const canWrite = role !== 'viewer';
  // Lists and imports are the admins' (the API's rule); drips are any writer's.
  const canManage = role === 'owner' || role === 'admin';
  // The funnel names every list; the drip form offers them.
  const funnel = useQuery({ queryKey: ['newsletter-funnel'], queryFn: () => newsletterGrowApi.funnel() });
  const lists = funnel.data?.lists.map((l) => l.name) ?? [];
  const allLists = useQuery({ queryKey: ['newsletter-lists'], queryFn: newsletterGrowApi.lists });
  return (
    <div className="stack" style={{ gap: '1rem' }}>
      <PageHeader title="Newsletter" />
      <ListsSection canManage={canManage} />
      <SubscribersSection lists={allLists.data ?? []} canWrite={canWrite} />
      <CampaignsSection canWrite={canWrite} canSend={canManage} lists={allLists.data ?? []} />
      <FunnelSection />
      <DripsSection canWrite={canWrite} lists={lists} />
    </div>
  );
}
