import { useSearchParams } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { useAllAgents } from '@/features/agents/api/get-agents';
import { DomainForm } from '@/features/domains/components/domain-form';
import { DomainsTable } from '@/features/domains/components/domains-table';
import { ImportForm } from '@/features/domains/components/import-form';
import { usePermissions } from '@/lib/auth';
import { PermittedButton } from '@/components/ui/permitted-button';

export default function DomainsRoute() {
  const [params, setParams] = useSearchParams();
  const agents = useAllAgents();
  const { canWrite } = usePermissions();
  const adding = canWrite && params.get('add') === '1';
  const importing = canWrite && params.get('import') === '1';
  const setFlag = (name: string, on: boolean) => {
    const next = new URLSearchParams(params);
    if (on) next.set(name, '1');
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const options = (agents.data ?? []).map((a) => ({ id: a.id, name: a.name }));
  return (
    <>
      <title>Domains · Certinel</title>
      <PageHeader
        title="Domains"
        description="Every endpoint whose certificate Certinel checks."
        actions={adding ? null : <PermittedButton need="write" doing="add domains" variant="primary" onClick={() => setFlag('add', true)}>Add domain</PermittedButton>}
      />
      {adding ? (
        <section className="card" aria-labelledby="add-h">
          <h2 id="add-h" className="section-title">Add a domain</h2>
          {agents.isPending ? null : <DomainForm agents={options} onCancel={() => setFlag('add', false)} />}
        </section>
      ) : null}
      {importing ? (
        <section className="card" aria-labelledby="import-h">
          <h2 id="import-h" className="section-title">Import domains from CSV</h2>
          <ImportForm onClose={() => setFlag('import', false)} />
        </section>
      ) : null}
      <DomainsTable
        agents={options}
        canWrite={canWrite}
        onAdd={canWrite ? () => setFlag('add', true) : undefined}
        onImport={canWrite && !importing ? () => setFlag('import', true) : undefined}
      />
    </>
  );
}
