import { Link } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { OfflineAgents } from '@/features/agents/components/offline-agents';
import { ExpiryTimeline } from '@/features/domains/components/expiry-timeline';
import { StatusCounts } from '@/features/domains/components/status-counts';

export default function OverviewRoute() {
  return (
    <>
      <title>Overview · Certinel</title>
      <PageHeader
        title="Overview"
        description="What needs attention across every endpoint you monitor."
        actions={<Link to="/domains?add=1" className="btn btn-primary btn-md">Add domain</Link>}
      />
      <StatusCounts />
      <ExpiryTimeline />
      <OfflineAgents />
    </>
  );
}
