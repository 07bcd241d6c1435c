import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { useAllAgents } from '@/features/agents/api/get-agents';
import { DomainForm } from '@/features/domains/components/domain-form';
import { DomainsTable } from '@/features/domains/components/domains-table';

export default function DomainsRoute() {
  const [params, setParams] = useSearchParams();
  const agents = useAllAgents();
  const adding = params.get('add') === '1';
  const setAdding = (on: boolean) => {
    const next = new URLSearchParams(params);
    if (on) next.set('add', '1');
    else next.delete('add');
    setParams(next, { replace: true });
  };
  const options = (agents.data ?? []).map((a) => ({ id: a.id, name: a.name }));
  return (
    <>
      <title>Domains · Certinel</title>
      <PageHeader
        title="Domains"
        description="Every endpoint whose certificate Certinel checks."
        actions={!adding ? <Button variant="primary" onClick={() => setAdding(true)}>Add domain</Button> : null}
      />
      {adding ? (
        <section className="card" aria-labelledby="add-h">
          <h2 id="add-h" className="section-title">Add a domain</h2>
          {agents.isPending ? null : <DomainForm agents={options} onCancel={() => setAdding(false)} />}
        </section>
      ) : null}
      <DomainsTable agents={options} onAdd={() => setAdding(true)} />
    </>
  );
}
