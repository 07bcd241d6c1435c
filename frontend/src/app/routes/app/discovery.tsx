import { PageHeader } from '@/components/ui/page-header';
import { useAllAgents } from '@/features/agents/api/get-agents';
import { DiscoveryPage } from '@/features/discovery/components/discovery-page';
import { usePermissions } from '@/lib/auth';

export default function DiscoveryRoute() {
  const agents = useAllAgents();
  const { canWrite } = usePermissions();
  return (
    <>
      <title>Discovery · Certinel</title>
      <PageHeader title="Discovery" description="Let agents find the TLS endpoints in their networks, then choose which to monitor." />
      <DiscoveryPage agents={(agents.data ?? []).map((a) => ({ id: a.id, name: a.name }))} canWrite={canWrite} />
    </>
  );
}
