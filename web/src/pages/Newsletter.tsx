/**
 * The Newsletter page: the funnel (subscribers to clients, per list and month) and drip
 * sequences.
 */
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../components/AppLayout';
import { DripsSection } from '../components/newsletter/DripsSection';
import { FunnelSection } from '../components/newsletter/FunnelSection';
import { PageHeader } from '../components/ui';
import { newsletterGrowApi } from '../newsletter-api';

export default function Newsletter() {
  const session = useSession();
  const canWrite = (session.data?.role ?? 'viewer') !== 'viewer';
  // The funnel names every list; the drip form offers them.
  const funnel = useQuery({ queryKey: ['newsletter-funnel'], queryFn: () => newsletterGrowApi.funnel() });
  const lists = funnel.data?.lists.map((l) => l.name) ?? [];
  return (
    <div className="stack" style={{ gap: '1rem' }}>
      <PageHeader title="Newsletter" />
      <FunnelSection />
      <DripsSection canWrite={canWrite} lists={lists} />
    </div>
  );
}
