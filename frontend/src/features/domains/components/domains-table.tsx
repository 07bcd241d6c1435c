import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { DaysLeftBadge, StatusBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDate, formatRelative } from '@/lib/format';
import { errorText, plural, statusText } from '@/lib/wording';
import { useListParams, useTextParam } from '@/lib/list-params';
import { isReadiness, readinessLabel } from '@/lib/post-quantum';
import { useSelection } from '@/lib/selection';
import { useDeleteDomains } from '../api/delete-domains';
import { CheckNowButton } from './check-now';
import { useDomains } from '../api/get-domains';
import { exportUrl } from '../api/import-domains';
import { ProblemList, windowText } from './renewal';
import { distinctSNI, endpointLabel, endpointWithSNI, STATUSES, type AgentOption, type Domain, type DomainFilters } from '../types';
import { TableScroll } from '@/components/ui/table-scroll';

const SORTS = [
  { value: 'days_left', label: 'Days left (soonest first)' },
  { value: '-days_left', label: 'Days left (latest first)' },
  { value: 'host', label: 'Host (A–Z)' },
  { value: '-host', label: 'Host (Z–A)' },
  { value: '-created_at', label: 'Newest first' },
  { value: '-last_checked_at', label: 'Last checked' },
];

type Props = { agents: AgentOption[]; onAdd?: () => void; onImport?: () => void; canWrite?: boolean };

export function DomainsTable({ agents, onAdd, onImport, canWrite = true }: Props) {
  const list = useListParams();
  const { params, update, page, perPage } = list;
  const filters: DomainFilters = {
    q: params.get('q') ?? '',
    status: params.get('status') ?? '',
    agent_id: params.get('agent_id') ?? '',
    tag: params.get('tag') ?? '',
    expires_before: params.get('expires_before') ?? '',
    post_quantum: params.get('post_quantum') ?? '',
    sort: params.get('sort') ?? 'days_left',
  };
  // Search and tag apply as one types, without a request per keystroke.
  const [search, setSearch] = useTextParam(list, 'q');
  const [tag, setTag] = useTextParam(list, 'tag');
  const [confirm, setConfirm] = useState(false);
  const del = useDeleteDomains();
  // Certificates read from files are listed on the Files page.
  const query = { ...filters, kind: 'endpoint', page, per_page: perPage };
  const domains = useDomains(query);
  const agentName = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);

  // While another view loads, the previous rows stay on screen: nothing
  // can be selected until this view's rows are there.
  const items = domains.data && !domains.isPlaceholderData ? domains.data.items : [];
  const selection = useSelection(JSON.stringify(query), items.map((d) => d.id));
  const selectedDomains = items.filter((d) => selection.has(d.id));
  const filtered = Boolean(filters.q || filters.status || filters.agent_id || filters.tag || filters.expires_before || filters.post_quantum);

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
              <option key={s} value={s}>{statusText(s)}</option>
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
          <input id="f-tag" className="input input-narrow" type="search" placeholder="Tag" value={tag} onChange={(e) => setTag(e.target.value)} />
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
        {isReadiness(filters.post_quantum) ? (
          <span className="chip chip-filter">
            {readinessLabel[filters.post_quantum]}
            <button type="button" className="chip-remove" aria-label="Remove the post-quantum filter" onClick={() => update({ post_quantum: '' })}>×</button>
          </span>
        ) : null}
        {onImport ? <Button size="sm" onClick={onImport}>Import CSV</Button> : null}
        <a className="btn btn-secondary btn-sm" href={exportUrl(filters)} download title="Every domain matching the current filters, as CSV">
          Export CSV
        </a>
      </div>
      {selection.selected.length > 0 && canWrite ? (
        <div className="bulkbar" role="region" aria-label="Bulk actions">
          <span>{selection.selected.length} of {plural(items.length, 'domain')} on this page selected</span>
          <CheckNowButton size="sm" ids={selection.selected} label="Check selected now" />
          <Button size="sm" variant="danger" onClick={() => setConfirm(true)}>Delete selected</Button>
          <Button size="sm" variant="ghost" onClick={selection.clear}>Clear selection</Button>
        </div>
      ) : null}
      {domains.isError ? (
        <Notice tone="error" title="Could not load domains.">{domains.error.message}</Notice>
      ) : domains.isPending ? (
        <Spinner label="Loading domains" />
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState title="No domain matches these filters">
            <Button size="sm" onClick={() => list.clear(['sort', 'per_page'])}>Clear filters</Button>
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
            <table className="table" aria-busy={domains.isFetching}>
              <caption className="sr-only">Monitored domains</caption>
              <thead>
                <tr>
                  {canWrite ? (
                    <th scope="col" className="col-check">
                      <input type="checkbox" aria-label={`Select the ${plural(items.length, 'domain')} on this page`} checked={selection.allVisible}
                        disabled={items.length === 0} onChange={selection.toggleAll} />
                    </th>
                  ) : null}
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
                {(domains.data?.items ?? []).map((d) => (
                  <DomainRow key={d.id} d={d} agent={d.agent_id ? (agentName.get(d.agent_id) ?? 'Unknown agent') : 'Certinel cloud'}
                    selectable={canWrite} disabled={items.length === 0} checked={selection.has(d.id)} onToggle={() => selection.toggle(d.id)} />
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pagination
            page={page}
            perPage={perPage}
            total={domains.data.total}
            estimated={!domains.data.total_exact}
            hasNext={domains.data.next_cursor !== null}
            shown={domains.data.items.length}
            noun="domains"
            onPage={list.setPage}
            onPerPage={list.setPerPage}
          />
        </>
      )}
      {confirm ? (
        <ConfirmDialog
          title={`Delete ${plural(selectedDomains.length, 'domain')}?`}
          confirmLabel={`Delete ${plural(selectedDomains.length, 'domain')}`}
          busy={del.isPending}
          error={del.data?.failed.length ? `${plural(del.data.failed.length, 'domain')} could not be deleted.` : del.error?.message}
          onCancel={() => setConfirm(false)}
          onConfirm={() =>
            del.mutate(selectedDomains.map((d) => d.id), {
              onSuccess: (r) => {
                selection.keep(r.failed);
                if (r.failed.length === 0) setConfirm(false);
              },
            })
          }
        >
          <NamedList names={selectedDomains.map(endpointLabel)} />
          Their check history is deleted too. This cannot be undone.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

// At most this many names are listed in a confirmation; the rest are counted.
const NAMES_SHOWN = 10;

/** The names a bulk action changes, so the dialog says exactly which. */
function NamedList({ names }: { names: string[] }) {
  const rest = names.length - NAMES_SHOWN;
  return (
    <ul className="plain-list" aria-label="Domains to delete">
      {names.slice(0, NAMES_SHOWN).map((n, i) => <li key={i} className="mono">{n}</li>)}
      {rest > 0 ? <li className="muted">and {plural(rest, 'more domain')}</li> : null}
    </ul>
  );
}

type RowProps = { d: Domain; agent: string; selectable: boolean; disabled: boolean; checked: boolean; onToggle: () => void };

function DomainRow({ d, agent, selectable, disabled, checked, onToggle }: RowProps) {
  const label = endpointLabel(d);
  return (
    <tr className={checked ? 'selected' : undefined}>
      {selectable ? (
        <td className="col-check">
          <input type="checkbox" aria-label={`Select ${endpointWithSNI(d)}`} checked={checked} disabled={disabled} onChange={onToggle} />
        </td>
      ) : null}
      <td>
        <Link to={`/domains/${d.id}`} className="strong-link">{label}</Link>
        {d.protocol !== 'tls' ? <span className="chip">{d.protocol}</span> : null}
        {distinctSNI(d) ? <div className="muted small">SNI {distinctSNI(d)}</div> : null}
      </td>
      <td>
        <StatusBadge status={d.status} />
        <ProblemList problems={d.problems} />
      </td>
      <td title={d.status === 'expired' ? undefined : (windowText(d.renewal_window) ?? undefined)}><DaysLeftBadge days={d.days_left} status={d.status} /></td>
      <td className="nowrap">{formatDate(d.not_after)}</td>
      <td className="muted">{agent}</td>
      <td className="muted nowrap" title={d.last_error ? errorText(d.last_error, d.last_error_kind) : undefined}>{formatRelative(d.last_checked_at)}</td>
      <td className="tags-cell">{d.tags.map((t) => <span key={t} className="chip">{t}</span>)}</td>
    </tr>
  );
}
