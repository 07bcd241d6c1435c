import { useState } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { AgentSetupPanel } from '@/features/agents/components/agent-setup-panel';
import { AgentsList } from '@/features/agents/components/agents-list';
import { CreateAgentForm } from '@/features/agents/components/create-agent-form';
import { ParkedBatchesWarnings } from '@/features/agents/components/parked-batches';
import { useCreateToken } from '@/features/tokens/api/create-token';

export default function AgentsRoute() {
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const createToken = useCreateToken();
  return (
    <>
      <title>Agents · Certinel</title>
      <PageHeader
        title="Agents"
        description="Agents run inside your networks, check the endpoints assigned to them and report back every 4 hours."
      />
      {created ? (
        <AgentSetupPanel
          agentName={created.name}
          agentToken={created.token}
          serverUrl={window.location.origin}
          createApiKey={async () => (await createToken.mutateAsync({ name: `agent ${created.name}`, scope: 'agent' })).token}
          onDone={() => setCreated(null)}
        />
      ) : (
        <section className="card" aria-label="New agent">
          <CreateAgentForm onCreated={(a) => setCreated({ name: a.name, token: a.token })} />
        </section>
      )}
      <ParkedBatchesWarnings />
      <AgentsList />
    </>
  );
}
