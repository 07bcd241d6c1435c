import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { useAgentDownloads } from '@/features/agents/api/get-agent-downloads';
import { AgentCertificatesPage } from '@/features/agents/components/agent-certificates-page';
import { agentServerUrl } from '@/features/agents/components/setup';
import { usePermissions } from '@/lib/auth';
import { organizationQueryOptions } from '@/lib/organization';

export default function AgentCertificatesRoute() {
  const { id = '' } = useParams();
  const { canAdmin } = usePermissions();
  const org = useQuery(organizationQueryOptions());
  const downloads = useAgentDownloads();
  return (
    <>
      <title>Agent certificates · Certinel</title>
      <AgentCertificatesPage
        id={id}
        canAdmin={canAdmin}
        requireMTLS={org.data?.require_agent_mtls ?? false}
        serverUrl={agentServerUrl(downloads.data, window.location.origin)}
      />
    </>
  );
}
