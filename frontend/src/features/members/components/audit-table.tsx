import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useListParams } from '@/lib/list-params';
import { auditExportUrl, useAuditFacets, useAuditLog } from '../api/members';
import { actionLabel, targetLabel, toAuditQuery } from './audit-filters';
import { TableScroll } from '@/components/ui/table-scroll';

const actorKind: Record<string, string> = { user: 'user', token: 'API token', agent: 'agent', system: 'Certinel', anonymous: 'anonymous' };

export function AuditTable() {
  const { params, update, clear, perPage, setPerPage } = useListParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const url = { actor: params.get('actor') ?? '', action: params.get('action') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const query = toAuditQuery(url);
  const q = useAuditLog(page, perPage, query);
  const facets = useAuditFacets();
  const filtered = Boolean(url.actor || url.action || url.from || url.to);
  return (
    <div className="card card-flush">
      <div className="toolbar" role="search" aria-label="Filter the audit log">
        <div className="field field-inline">
          <label htmlFor="audit-actor" className="sr-only">Who</label>
          <select id="audit-actor" className="input select" value={url.actor} onChange={(e) => update({ actor: e.target.value })}>
            <option value="">Everyone</option>
            {(facets.data?.actors ?? []).map((a) => (
              <option key={`${a.type}:${a.id}`} value={`${a.type}:${a.id}`}>
                {a.name || actorKind[a.type] || a.type} ({actorKind[a.type] ?? a.type})
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="audit-action" className="sr-only">Action</label>
          <select id="audit-action" className="input select" value={url.action} onChange={(e) => update({ action: e.target.value })}>
            <option value="">Every action</option>
            {(facets.data?.actions ?? []).map((a) => (
              <option key={a} value={a}>{actionLabel(a)}</option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" className="input" type="date" value={url.from} max={url.to || undefined} onChange={(e) => update({ from: e.target.value })} />
        </div>
        <div className="field field-inline">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" className="input" type="date" value={url.to} min={url.from || undefined} onChange={(e) => update({ to: e.target.value })} />
        </div>
        {filtered ? <button type="button" className="btn btn-ghost btn-sm" onClick={() => clear(['per_page'])}>Clear filters</button> : null}
        <a className="btn btn-secondary btn-sm" href={auditExportUrl(query)} download title="Every entry matching the filters, as CSV">
          Export CSV
        </a>
      </div>
      <AuditRows page={page} perPage={perPage} q={q} filtered={filtered} onPage={(p) => update({ page: String(p) })} onPerPage={setPerPage} />
    </div>
  );
}

type RowsProps = {
  page: number;
  perPage: number;
  q: ReturnType<typeof useAuditLog>;
  filtered: boolean;
  onPage: (p: number) => void;
  onPerPage: (n: number) => void;
};

function AuditRows({ page, perPage, q, filtered, onPage, onPerPage }: RowsProps) {
  if (q.isPending) return <Spinner label="Loading the audit log" />;
  if (q.isError) return <Notice tone="error" title="Could not load the audit log.">{q.error.message}</Notice>;
  if (q.data.items.length === 0) {
    return filtered ? (
      <EmptyState title="No entries match these filters">Choose someone else, another action or a wider date range.</EmptyState>
    ) : (
      <EmptyState title="Nothing recorded yet">Every change to agents, tokens, domains, alerting and members is recorded here.</EmptyState>
    );
  }
  return (
    <>
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
                <td>{e.actor_name || e.actor_label || actorKind[e.actor_type] || '—'}<div className="muted small">{actorKind[e.actor_type] ?? e.actor_type}</div></td>
                <td>{actionLabel(e.action)}<div className="muted small mono">{e.action}</div></td>
                <td>{targetLabel(e) || '—'}{e.target_type ? <div className="muted small">{e.target_type.replace(/_/g, ' ')}</div> : null}</td>
                <td className="mono">{e.ip || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={page} perPage={perPage} total={q.data.total} noun="entries" onPage={onPage} onPerPage={onPerPage} />
    </>
  );
}
