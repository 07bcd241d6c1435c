import { useParams } from 'react-router';
import { useAllAgents } from '@/features/agents/api/get-agents';
import { DomainDetail } from '@/features/domains/components/domain-detail';

export default function DomainRoute() {
  const { id = '' } = useParams();
  const agents = useAllAgents();
  return (
    <>
      <title>Domain · Certinel</title>
      <DomainDetail id={id} agents={(agents.data ?? []).map((a) => ({ id: a.id, name: a.name }))} />
    </>
  );
}
