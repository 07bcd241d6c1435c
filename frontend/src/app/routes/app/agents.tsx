import { useState } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { useAgentDownloads } from '@/features/agents/api/get-agent-downloads';
import { AgentSetupPanel } from '@/features/agents/components/agent-setup-panel';
import { AgentsList } from '@/features/agents/components/agents-list';
import { CreateAgentForm } from '@/features/agents/components/create-agent-form';
import { ParkedBatchesWarnings } from '@/features/agents/components/parked-batches';
import { PendingEnrollments } from '@/features/agents/components/pending-enrollments';
import { agentServerUrl } from '@/features/agents/components/setup';
import { usePermissions } from '@/lib/auth';
import { PermittedButton } from '@/components/ui/permitted-button';

type Created = { name: string; agentToken: string; apiKey: string };

export default function AgentsRoute() {
  const [created, setCreated] = useState<Created | null>(null);
  const downloads = useAgentDownloads();
  const { canAdmin } = usePermissions();
  return (
    <>
      <title>Agents · Certinel</title>
      <PageHeader
        title="Agents"
        description="Agents run inside your networks, check the endpoints assigned to them and report back, at once when asked and every 4 hours."
      />
      {created ? (
        <AgentSetupPanel
          agentName={created.name}
          credentials={{ serverUrl: agentServerUrl(downloads.data, window.location.origin), agentToken: created.agentToken, apiKey: created.apiKey }}
          downloads={downloads.data}
          downloadsError={downloads.error?.message}
          onDone={() => setCreated(null)}
        />
      ) : (
        <section className="card" aria-label="New agent">
          {canAdmin ? (
            <CreateAgentForm onCreated={(a) => setCreated({ name: a.name, agentToken: a.token, apiKey: a.api_key?.token ?? '' })} />
          ) : (
            <PermittedButton need="admin" doing="create agents" variant="primary">Create agent</PermittedButton>
          )}
        </section>
      )}
      {canAdmin ? <PendingEnrollments /> : null}
      <ParkedBatchesWarnings />
      <AgentsList />
    </>
  );
}
