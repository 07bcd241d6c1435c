import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Spinner } from '@/components/ui/spinner';
import { isNotFound } from '@/lib/api-client';
import { useAgent } from '../api/get-agent';
import { AgentCertificates } from './agent-certificates';
import { CurrentCertificate } from './agent-identity';
import { CreateJoinToken } from './join-token-dialog';

type Props = { id: string; canAdmin: boolean; requireMTLS: boolean; serverUrl: string };

/** One agent's identity: how it authenticates, its current certificate, enrollment and the certificate history. */
export function AgentCertificatesPage({ id, canAdmin, requireMTLS, serverUrl }: Props) {
  const q = useAgent(id);
  if (q.isPending) return <Spinner label="Loading the agent" />;
  if (q.isError) {
    return isNotFound(q.error) ? (
      <EmptyState title="Agent not found" action={<Link to="/agents" className="btn btn-secondary btn-md">Back to agents</Link>}>
        It may have been deleted.
      </EmptyState>
    ) : (
      <Notice tone="error" title="Could not load the agent.">{q.error.message}</Notice>
    );
  }
  const agent = q.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/agents">Agents</Link> <span aria-hidden="true">/</span> <span aria-current="page">{agent.name}</span>
      </nav>
      <PageHeader
        title={`Certificates of “${agent.name}”`}
        description="An enrolled agent authenticates with a client certificate whose key never leaves its host, and renews it by itself. A join token enrolls it once."
        actions={canAdmin ? <CreateJoinToken agent={agent} serverUrl={serverUrl} /> : null}
      />
      <section className="card" aria-label="Current certificate">
        <CurrentCertificate agent={agent} requireMTLS={requireMTLS} />
      </section>
      <AgentCertificates agent={agent} canAdmin={canAdmin} />
    </>
  );
}
