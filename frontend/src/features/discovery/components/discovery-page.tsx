import { useState } from 'react';
import { Badge, DaysLeftBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDate, formatRelative, shortHash } from '@/lib/format';
import { useListParams } from '@/lib/list-params';
import { useSelection } from '@/lib/selection';
import { discoveredStateText, plural } from '@/lib/wording';
import { PermittedButton } from '@/components/ui/permitted-button';
import { useDeleteDiscoveryJob, useDiscovered, useDiscoveredAction, useDiscoveryJobs, type DiscoveryJob } from '../api/discovery';
import { DiscoveryJobForm } from './discovery-job-form';
import { TableScroll } from '@/components/ui/table-scroll';

type AgentOption = { id: string; name: string };

export function DiscoveryPage({ agents, canWrite }: { agents: AgentOption[]; canWrite: boolean }) {
  return (
    <>
      <Jobs agents={agents} canWrite={canWrite} />
      <Found agents={agents} canWrite={canWrite} />
    </>
  );
}

function Jobs({ agents, canWrite }: { agents: AgentOption[]; canWrite: boolean }) {
  const q = useDiscoveryJobs();
  const del = useDeleteDiscoveryJob();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<DiscoveryJob | null>(null);
  const agentName = (id: string) => agents.find((a) => a.id === id)?.name ?? 'unknown agent';
  return (
    <section className="card stack" aria-labelledby="jobs-h">
      <div className="card-head">
        <h2 id="jobs-h" className="section-title">Discovery jobs</h2>
        {adding ? null : <PermittedButton need="write" doing="create discovery jobs" size="sm" variant="primary" onClick={() => setAdding(true)}>New job</PermittedButton>}
      </div>
      {adding ? <div className="subcard"><DiscoveryJobForm agents={agents} onDone={() => setAdding(false)} /></div> : null}
      {q.isPending ? (
        <Spinner label="Loading discovery jobs" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load discovery jobs.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        adding ? null : (
          <EmptyState title="No discovery jobs" action={canWrite ? <Button variant="primary" onClick={() => setAdding(true)}>Scan a network</Button> : null}>
            An agent can sweep host ranges and ports inside its network and report every TLS endpoint it finds, so
            nothing expires unseen. You choose which ones to monitor.
          </EmptyState>
        )
      ) : (
        <ul className="plain-list">
          {q.data.items.map((j) =>
            editing === j.id ? (
              <li key={j.id} className="subcard"><DiscoveryJobForm agents={agents} job={j} onDone={() => setEditing(null)} /></li>
            ) : (
              <li key={j.id} className="list-row">
                <div className="grow">
                  <strong className="mono">{j.hosts.join(', ')}</strong> <span className="muted">ports</span> <span className="mono">{j.ports}</span>
                  <div className="muted small">
                    Agent {agentName(j.agent_id)} · every {Math.round(j.interval_seconds / 3600) || '<1'} h
                    {j.rate_per_second ? ` · ${j.rate_per_second}/s` : ''} · created {formatDate(j.created_at)}
                  </div>
                </div>
                {canWrite ? (
                  <div className="list-row-end button-row">
                    <Button size="sm" onClick={() => setEditing(j.id)} aria-label={`Edit the job ${j.hosts.join(', ')}`}>Edit</Button>
                    <Button size="sm" variant="ghost" onClick={() => setDeleting(j)} aria-label={`Delete the job ${j.hosts.join(', ')}`}>Delete</Button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      )}
      {deleting ? (
        <ConfirmDialog title="Delete this discovery job?" confirmLabel="Delete job" busy={del.isPending} error={del.error?.message}
          onCancel={() => setDeleting(null)} onConfirm={() => del.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}>
          The agent stops scanning {deleting.hosts.join(', ')}. Domains already adopted stay monitored.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

const stateTone = { new: 'info', known: 'good', ignored: 'unknown' } as const;

// The state filter in the URL: new by default, "all" for every state.
const STATE_FILTERS = [
  { value: 'new', label: 'New' },
  { value: 'known', label: 'Monitored' },
  { value: 'ignored', label: 'Ignored' },
  { value: 'all', label: 'All' },
];

function Found({ agents, canWrite }: { agents: AgentOption[]; canWrite: boolean }) {
  const list = useListParams();
  const { page, perPage } = list;
  const state = STATE_FILTERS.find((f) => f.value === list.params.get('state'))?.value ?? 'new';
  const q = useDiscovered(state === 'all' ? '' : state, page, perPage);
  const act = useDiscoveredAction();
  const agentName = (id?: string) => agents.find((a) => a.id === id)?.name ?? '—';
  const data = q.data && 'items' in q.data ? q.data : null;
  // Only this view's own rows can be selected (see useSelection).
  const items = data && !q.isPlaceholderData ? data.items : [];
  const selection = useSelection(`${state}|${page}|${perPage}`, items.map((d) => d.id));
  const run = (action: 'adopt' | 'ignore') => act.mutate({ action, ids: selection.selected }, { onSuccess: selection.clear });
  return (
    <section className="card card-flush" aria-labelledby="found-h">
      <div className="toolbar">
        <h2 id="found-h" className="section-title grow">Found endpoints</h2>
        <label htmlFor="found-state" className="sr-only">State</label>
        <select id="found-state" className="input select" value={state} onChange={(e) => list.update({ state: e.target.value === 'new' ? '' : e.target.value })}>
          {STATE_FILTERS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
        </select>
      </div>
      {canWrite && selection.selected.length > 0 ? (
        <div className="bulkbar" role="region" aria-label="Bulk actions">
          <span>{selection.selected.length} of {plural(items.length, 'endpoint')} on this page selected</span>
          <Button size="sm" variant="primary" onClick={() => run('adopt')} loading={act.isPending}>Monitor selected</Button>
          <Button size="sm" onClick={() => run('ignore')} disabled={act.isPending}>Ignore selected</Button>
          <Button size="sm" variant="ghost" onClick={selection.clear}>Clear selection</Button>
        </div>
      ) : null}
      {act.isError ? <Notice tone="error" title="The action failed.">{act.error.message}</Notice> : null}
      {q.isPending ? (
        <Spinner label="Loading found endpoints" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load found endpoints.">{q.error.message}</Notice>
      ) : !data ? (
        <p className="muted card-pad">This server does not list discovered endpoints yet.</p>
      ) : data.items.length === 0 ? (
        <EmptyState title={state === 'new' ? 'Nothing new found' : 'No endpoints here'}>
          Endpoints appear after an agent runs a discovery job (on its next cycle, or with <code>certinel-agent once</code>).
        </EmptyState>
      ) : (
        <>
          <TableScroll>
            <table className="table">
              <caption className="sr-only">Discovered endpoints</caption>
              <thead>
                <tr>
                  {canWrite ? (
                    <th scope="col" className="col-check">
                      <input type="checkbox" aria-label={`Select the ${plural(items.length, 'endpoint')} on this page`} checked={selection.allVisible}
                        disabled={items.length === 0} onChange={selection.toggleAll} />
                    </th>
                  ) : null}
                  <th scope="col">Endpoint</th><th scope="col">Names</th><th scope="col">State</th><th scope="col">Agent</th>
                  <th scope="col">Certificate</th><th scope="col">First seen</th><th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((d) => {
                  const label = `${d.address.includes(':') ? `[${d.address}]` : d.address}:${d.port}`;
                  return (
                    <tr key={d.id} className={selection.has(d.id) ? 'selected' : undefined}>
                      {canWrite ? (
                        <td className="col-check"><input type="checkbox" aria-label={`Select ${label}`} checked={selection.has(d.id)} disabled={items.length === 0} onChange={() => selection.toggle(d.id)} /></td>
                      ) : null}
                      <td className="mono">{label}{d.protocol && d.protocol !== 'tls' ? <span className="chip">{d.protocol}</span> : null}</td>
                      <td className="small">{d.sni || (d.suggested_names ?? []).slice(0, 3).join(', ') || <span className="muted">—</span>}</td>
                      <td><Badge tone={stateTone[d.state as keyof typeof stateTone] ?? 'neutral'}>{discoveredStateText(d.state)}</Badge></td>
                      <td className="muted">{agentName(d.agent_id)}</td>
                      <td className="mono small" title={d.sha256}>
                        {shortHash(d.sha256)}
                        {d.not_after ? <div className="muted">expires {formatDate(d.not_after)} <DaysLeftBadge days={d.days_left ?? null} /></div> : null}
                      </td>
                      <td className="nowrap">{formatRelative(d.first_seen_at)}</td>
                      <td className="nowrap">{formatRelative(d.last_seen_at)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          <Pagination page={page} perPage={perPage} total={data.total} noun="endpoints" onPage={list.setPage} onPerPage={list.setPerPage} />
        </>
      )}
    </section>
  );
}
