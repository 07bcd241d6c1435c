import { Link } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { OfflineAgents } from '@/features/agents/components/offline-agents';
import { ExpiryTimeline } from '@/features/domains/components/expiry-timeline';
import { StatusCounts } from '@/features/domains/components/status-counts';
import { useExpiryClusters } from '@/features/insights/api/insights';
import { ClustersList } from '@/features/insights/components/clusters-list';
import { PostQuantumCard } from '@/features/insights/components/post-quantum-card';
import { StaleCard } from '@/features/insights/components/stale-card';
import { usePermissions } from '@/lib/auth';

export default function OverviewRoute() {
  const clusters = useExpiryClusters(90, 2);
  const items = clusters.data?.items ?? [];
  const { canWrite } = usePermissions();
  return (
    <>
      <title>Overview · Certinel</title>
      <PageHeader
        title="Overview"
        description="What needs attention across every endpoint you monitor."
        actions={canWrite ? <Link to="/domains?add=1" className="btn btn-primary btn-md">Add domain</Link> : null}
      />
      <StatusCounts />
      <ExpiryTimeline clusterDays={items.map((c) => c.date)}>
        <ClustersList clusters={items} />
      </ExpiryTimeline>
      <StaleCard />
      <PostQuantumCard />
      <OfflineAgents />
    </>
  );
}
