import { useParams } from 'react-router';
import { useAllAgents } from '@/features/agents/api/get-agents';
import { DomainEvents } from '@/features/alerts/components/domain-events';
import { DomainDetail } from '@/features/domains/components/domain-detail';
import { usePermissions } from '@/lib/auth';

export default function DomainRoute() {
  const { id = '' } = useParams();
  const agents = useAllAgents();
  const { canWrite } = usePermissions();
  return (
    <>
      <title>Domain · Certinel</title>
      <DomainDetail id={id} agents={(agents.data ?? []).map((a) => ({ id: a.id, name: a.name }))} canWrite={canWrite}>
        <DomainEvents domainId={id} />
      </DomainDetail>
    </>
  );
}
