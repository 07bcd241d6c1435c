import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { DaysLeftBadge, StatusBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDate, formatRelative } from '@/lib/format';
import { useListParams } from '@/lib/list-params';
import { useDeleteDomains } from '../api/delete-domains';
import { CheckNowButton } from './check-now';
import { useDomains } from '../api/get-domains';
import { exportUrl } from '../api/import-domains';
import { ProblemList, windowText } from './renewal';
import { endpointLabel, STATUSES, type AgentOption, type Domain, type DomainFilters } from '../types';
import { TableScroll } from '@/components/ui/table-scroll';

const PER_PAGE = 50;

// A status filter lists every domain with that problem.
const statusFilterLabel: Record<(typeof STATUSES)[number], string> = {
  pending: 'Pending',
  ok: 'OK',
  due: 'Renewal overdue',
  expiring: 'Expiring',
  expired: 'Expired',
  invalid: 'Invalid',
  unreachable: 'Unreachable',
};

const SORTS = [
  { value: 'days_left', label: 'Days left (soonest first)' },
  { value: '-days_left', label: 'Days left (latest first)' },
  { value: 'host', label: 'Host (A–Z)' },
  { value: '-created_at', label: 'Newest first' },
  { value: '-last_checked_at', label: 'Last checked' },
];

type Props = { agents: AgentOption[]; onAdd?: () => void; onImport?: () => void; canWrite?: boolean };

export function DomainsTable({ agents, onAdd, onImport, canWrite = true }: Props) {
  const { params, update, clear } = useListParams();
  const filters: DomainFilters = {
    q: params.get('q') ?? '',
    status: params.get('status') ?? '',
    agent_id: params.get('agent_id') ?? '',
    tag: params.get('tag') ?? '',
    expires_before: params.get('expires_before') ?? '',
    sort: params.get('sort') ?? 'days_left',
  };
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [search, setSearch] = useState(filters.q ?? '');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState(false);
  const del = useDeleteDomains();
  const list = useDomains({ ...filters, page, per_page: PER_PAGE });
  const agentName = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);


  // Search as one types, without a request per keystroke.
  useEffect(() => {
    if (search === (params.get('q') ?? '')) return;
    const t = setTimeout(() => update({ q: search.trim() }), 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const items = list.data?.items ?? [];
  const allOnPage = items.length > 0 && items.every((d) => selected.has(d.id));
  const filtered = Boolean(filters.q || filters.status || filters.agent_id || filters.tag || filters.expires_before);

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <div className="card card-flush">
      <div className="toolbar" role="search">
        <div className="field field-inline grow">
          <label htmlFor="domain-search" className="sr-only">
            Search domains
          </label>
          <input id="domain-search" className="input" type="search" placeholder="Search host or SNI…" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field field-inline">
          <label htmlFor="f-status" className="sr-only">Status</label>
          <select id="f-status" className="input select" value={filters.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">All states</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{statusFilterLabel[s]}</option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="f-agent" className="sr-only">Agent</label>
          <select id="f-agent" className="input select" value={filters.agent_id} onChange={(e) => update({ agent_id: e.target.value })}>
            <option value="">All agents</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>{a.name}</option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="f-tag" className="sr-only">Tag</label>
          <input id="f-tag" className="input input-narrow" placeholder="Tag" defaultValue={filters.tag} key={filters.tag}
            onKeyDown={(e) => e.key === 'Enter' && update({ tag: e.currentTarget.value.trim() })}
            onBlur={(e) => e.currentTarget.value.trim() !== filters.tag && update({ tag: e.currentTarget.value.trim() })} />
        </div>
        <div className="field field-inline">
          <label htmlFor="f-sort" className="sr-only">Sort by</label>
          <select id="f-sort" className="input select" value={filters.sort} onChange={(e) => update({ sort: e.target.value })}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>{s.label}</option>
            ))}
          </select>
        </div>
        {filters.expires_before ? (
          <span className="chip chip-filter">
            Expires before {formatDate(filters.expires_before)}
            <button type="button" className="chip-remove" aria-label="Remove the expiry filter" onClick={() => update({ expires_before: '' })}>×</button>
          </span>
        ) : null}
        {onImport ? <Button size="sm" onClick={onImport}>Import CSV</Button> : null}
        <a className="btn btn-secondary btn-sm" href={exportUrl(filters)} download title="Every domain matching the current filters, as CSV">
          Export CSV
        </a>
      </div>
      {selected.size > 0 && canWrite ? (
        <div className="bulkbar" role="region" aria-label="Bulk actions">
          <span>{selected.size} selected</span>
          <CheckNowButton size="sm" ids={[...selected]} label="Check selected now" />
          <Button size="sm" variant="danger" onClick={() => setConfirm(true)}>Delete selected</Button>
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>Clear selection</Button>
        </div>
      ) : null}
      {list.isError ? (
        <Notice tone="error" title="Could not load domains.">{list.error.message}</Notice>
      ) : list.isPending ? (
        <Spinner label="Loading domains" />
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState title="No domain matches these filters">
            <Button size="sm" onClick={() => { setSearch(''); clear(); }}>Clear filters</Button>
          </EmptyState>
        ) : (
          <EmptyState
            title="No domains yet"
            action={onAdd ? <Button variant="primary" onClick={onAdd}>Add your first domain</Button> : null}
          >
            Add a host and port to watch its certificate. Public endpoints are checked from Certinel; for hosts inside
            your network, <Link to="/agents">create an agent</Link> first and pick it in the form.
          </EmptyState>
        )
      ) : (
        <>
          <TableScroll>
            <table className="table" aria-busy={list.isFetching}>
              <caption className="sr-only">Monitored domains</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-check">
                    <input type="checkbox" aria-label="Select all on this page" checked={allOnPage}
                      onChange={() => setSelected((s) => {
                        const n = new Set(s);
                        items.forEach((d) => (allOnPage ? n.delete(d.id) : n.add(d.id)));
                        return n;
                      })} />
                  </th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Status</th>
                  <th scope="col">Days left</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Checked by</th>
                  <th scope="col">Last check</th>
                  <th scope="col">Tags</th>
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <DomainRow key={d.id} d={d} agent={d.agent_id ? (agentName.get(d.agent_id) ?? 'Unknown agent') : 'Certinel cloud'} checked={selected.has(d.id)} onToggle={() => toggle(d.id)} />
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pagination
            page={page}
            perPage={PER_PAGE}
            total={list.data.total}
            estimated={!list.data.total_exact}
            hasNext={list.data.next_cursor !== null}
            shown={items.length}
            noun="domains"
            onPage={(p) => update({ page: String(p) })}
          />
        </>
      )}
      {confirm ? (
        <ConfirmDialog
          title={`Delete ${selected.size} domain${selected.size === 1 ? '' : 's'}?`}
          confirmLabel="Delete"
          busy={del.isPending}
          error={del.data?.failed.length ? `${del.data.failed.length} could not be deleted.` : del.error?.message}
          onCancel={() => setConfirm(false)}
          onConfirm={() =>
            del.mutate([...selected], {
              onSuccess: (r) => {
                setSelected(new Set(r.failed));
                if (r.failed.length === 0) setConfirm(false);
              },
            })
          }
        >
          Their check history is deleted too. This cannot be undone.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function DomainRow({ d, agent, checked, onToggle }: { d: Domain; agent: string; checked: boolean; onToggle: () => void }) {
  const label = endpointLabel(d);
  return (
    <tr className={checked ? 'selected' : undefined}>
      <td className="col-check">
        <input type="checkbox" aria-label={`Select ${label}`} checked={checked} onChange={onToggle} />
      </td>
      <td>
        <Link to={`/domains/${d.id}`} className="strong-link">{label}</Link>
        {d.protocol !== 'tls' ? <span className="chip">{d.protocol}</span> : null}
        {d.sni && d.sni !== d.host ? <div className="muted small">SNI {d.sni}</div> : null}
      </td>
      <td>
        <StatusBadge status={d.status} />
        <ProblemList problems={d.problems} />
      </td>
      <td title={windowText(d.renewal_window) ?? undefined}><DaysLeftBadge days={d.days_left} status={d.status} /></td>
      <td className="nowrap">{formatDate(d.not_after)}</td>
      <td className="muted">{agent}</td>
      <td className="muted nowrap" title={d.last_error || undefined}>{formatRelative(d.last_checked_at)}</td>
      <td className="tags-cell">{d.tags.map((t) => <span key={t} className="chip">{t}</span>)}</td>
    </tr>
  );
}
