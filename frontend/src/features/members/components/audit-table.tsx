import { useSearchParams } from 'react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useAuditLog } from '../api/members';
import { TableScroll } from '@/components/ui/table-scroll';

const PER_PAGE = 50;

const actorKind: Record<string, string> = { user: 'user', token: 'API token', agent: 'agent', system: 'Certinel', anonymous: 'anonymous' };

export function AuditTable() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const q = useAuditLog(page, PER_PAGE);
  if (q.isPending) return <Spinner label="Loading the audit log" />;
  if (q.isError) return <Notice tone="error" title="Could not load the audit log.">{q.error.message}</Notice>;
  if (q.data.items.length === 0) return <div className="card"><EmptyState title="Nothing recorded yet">Every change to agents, tokens, domains, alerting and members is recorded here.</EmptyState></div>;
  return (
    <div className="card card-flush">
      <TableScroll>
        <table className="table" aria-busy={q.isFetching}>
          <caption className="sr-only">Audit log</caption>
          <thead>
            <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">IP</th></tr>
          </thead>
          <tbody>
            {q.data.items.map((e) => (
              <tr key={e.id}>
                <td className="nowrap" title={formatDateTime(e.created_at)}>{formatDateTime(e.created_at)}<div className="muted small">{formatRelative(e.created_at)}</div></td>
                <td>{e.actor_label || e.actor_id || '—'}<div className="muted small">{actorKind[e.actor_type] ?? e.actor_type}</div></td>
                <td className="mono">{e.action}</td>
                <td>{e.target_type}{e.target_id ? <div className="muted small mono">{e.target_id}</div> : null}</td>
                <td className="mono">{e.ip || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={page} perPage={PER_PAGE} total={q.data.total} noun="entries" onPage={(p) => setParams({ page: String(p) }, { replace: true })} />
    </div>
  );
}
