import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { StatusBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import { formatDateTime, formatRelative } from '@/lib/format';
import { organizationQueryOptions } from '@/lib/organization';
import { useListParams } from '@/lib/list-params';
import { PermittedButton } from '@/components/ui/permitted-button';
import { useDeleteAgent } from '../api/delete-agent';
import { useAgents } from '../api/get-agents';
import { useRenameAgent } from '../api/update-agent';
import type { Agent } from '../types';
import { AgentReport, ChannelBadge } from './agent-channel';
import { AuthenticationBadge, CertificateExpiry } from './agent-identity';
import { RotateTokenDialog } from './rotate-token-dialog';
import { TableScroll } from '@/components/ui/table-scroll';

const PER_PAGE = 50;

export function AgentsList() {
  const { page, perPage, setPage, setPerPage } = useListParams(PER_PAGE);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  const [rotating, setRotating] = useState<Agent | null>(null);
  const q = useAgents(page, perPage);
  const requireMTLS = useQuery(organizationQueryOptions()).data?.require_agent_mtls ?? false;
  const del = useDeleteAgent();
  if (q.isPending) return <Spinner label="Loading agents" />;
  if (q.isError) return <Notice tone="error" title="Could not load agents.">{q.error.message}</Notice>;
  if (q.data.items.length === 0 && page === 1) {
    return (
      <EmptyState title="No agents yet">
        An agent is a small program that runs inside a private network and checks the certificates Certinel cannot
        reach from the internet. Name your first one above to get its token and run command.
      </EmptyState>
    );
  }
  return (
    <div className="card card-flush">
      <TableScroll>
        <table className="table">
          <caption className="sr-only">Agents</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Channel</th>
              <th scope="col">Version</th>
              <th scope="col">Last seen</th>
              <th scope="col" className="num">Targets</th>
              <th scope="col">Token</th>
              <th scope="col">Authentication</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((a) => (
              <AgentRow key={a.id} a={a} requireMTLS={requireMTLS} onDelete={() => setDeleting(a)} onRotate={() => setRotating(a)} />
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={page} perPage={perPage} total={q.data.total} noun="agents" onPage={setPage} onPerPage={setPerPage} />
      {rotating ? <RotateTokenDialog agent={rotating} onClose={() => setRotating(null)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete agent “${deleting.name}”?`}
          confirmLabel="Delete agent"
          busy={del.isPending}
          error={del.error?.message}
          onCancel={() => { del.reset(); setDeleting(null); }}
          onConfirm={() => del.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          Its token stops working at once. Its {deleting.targets} domain{deleting.targets === 1 ? '' : 's'} will no longer be checked by it.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function AgentRow({ a, requireMTLS, onDelete, onRotate }: { a: Agent; requireMTLS: boolean; onDelete: () => void; onRotate: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(a.name);
  const rename = useRenameAgent();
  const save = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate({ id: a.id, name: name.trim() }, { onSuccess: () => setEditing(false) });
  };
  const renameError = rename.error ? (isApiError(rename.error) ? (rename.error.fieldErrors()[0]?.message ?? rename.error.message) : rename.error.message) : null;
  return (
    <tr>
      <td>
        {editing ? (
          <form onSubmit={save} className="rename-form">
            <label htmlFor={`rename-${a.id}`} className="sr-only">New name for {a.name}</label>
            <input id={`rename-${a.id}`} className="input input-compact" value={name} autoFocus maxLength={100}
              onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
              aria-invalid={renameError ? true : undefined} aria-describedby={renameError ? `rename-err-${a.id}` : undefined} />
            <Button size="sm" type="submit" variant="primary" loading={rename.isPending}>Save</Button>
            <Button size="sm" variant="ghost" onClick={() => { setEditing(false); setName(a.name); rename.reset(); }}>Cancel</Button>
            {renameError ? <p id={`rename-err-${a.id}`} className="field-error" role="alert">{renameError}</p> : null}
          </form>
        ) : (
          <strong>{a.name}</strong>
        )}
      </td>
      <td><StatusBadge status={a.status} /></td>
      <td><ChannelBadge agent={a} /><AgentReport agent={a} /></td>
      <td className="mono">{a.version || <span className="muted">—</span>}</td>
      <td className="nowrap" title={formatDateTime(a.last_seen_at)}>{formatRelative(a.last_seen_at)}</td>
      <td className="num">{a.targets}</td>
      <td className="mono muted">
        {a.prefix}…
        {a.token_rotation_requested_at ? (
          <div className="small" title={`Requested ${formatDateTime(a.token_rotation_requested_at)}`}>rotation pending</div>
        ) : null}
      </td>
      <td>
        <AuthenticationBadge agent={a} requireMTLS={requireMTLS} />
        {a.certificate_not_after ? <div className="small"><CertificateExpiry notAfter={a.certificate_not_after} issuedAt={a.certificate_rotated_at} /></div> : null}
      </td>
      <td className="actions">
        {!editing ? (
          <>
            <Link to={`/agents/${a.id}/certificates`} className="btn btn-ghost btn-sm" aria-label={`Certificates of ${a.name}`}>Certificates</Link>
            <PermittedButton need="admin" doing="rename agents" size="sm" variant="ghost" onClick={() => setEditing(true)} aria-label={`Rename ${a.name}`}>Rename</PermittedButton>
            <PermittedButton need="admin" doing="rotate agent tokens" size="sm" variant="ghost" onClick={onRotate} aria-label={`Rotate the token of ${a.name}`}>Rotate token</PermittedButton>
            <PermittedButton need="admin" doing="delete agents" size="sm" variant="ghost" className="danger-text" onClick={onDelete} aria-label={`Delete ${a.name}`}>Delete</PermittedButton>
          </>
        ) : null}
      </td>
    </tr>
  );
}
