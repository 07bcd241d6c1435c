import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDate, formatDateTime, formatRelative } from '@/lib/format';
import { useListParams } from '@/lib/list-params';
import { PermittedButton } from '@/components/ui/permitted-button';
import { useRevokeToken } from '../api/revoke-token';
import { useTokens } from '../api/get-tokens';
import type { ApiToken } from '../types';
import { TableScroll } from '@/components/ui/table-scroll';

const PER_PAGE = 50;

function state(t: ApiToken): { label: string; tone: 'good' | 'critical' | 'unknown' } {
  if (t.revoked_at) return { label: 'Revoked', tone: 'unknown' };
  if (t.expires_at && new Date(t.expires_at) <= new Date()) return { label: 'Expired', tone: 'critical' };
  return { label: 'Active', tone: 'good' };
}

export function TokensList() {
  const { page, perPage, setPage, setPerPage } = useListParams(PER_PAGE);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const q = useTokens(page, perPage);
  const revoke = useRevokeToken();
  if (q.isPending) return <Spinner label="Loading tokens" />;
  if (q.isError) return <Notice tone="error" title="Could not load tokens.">{q.error.message}</Notice>;
  if (q.data.items.length === 0 && page === 1) {
    return (
      <EmptyState title="No API tokens yet">
        Tokens let scripts, exporters and agents call the Certinel API. Create one above; its secret is shown once.
      </EmptyState>
    );
  }
  return (
    <div className="card card-flush">
      <TableScroll>
        <table className="table">
          <caption className="sr-only">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Token</th>
              <th scope="col">State</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((t) => {
              const s = state(t);
              return (
                <tr key={t.id} className={t.revoked_at ? 'dimmed' : undefined}>
                  <td><strong>{t.name}</strong></td>
                  <td><span className="chip">{t.scope}</span></td>
                  <td className="mono muted">{t.prefix}…</td>
                  <td><Badge tone={s.tone}>{s.label}</Badge></td>
                  <td className="nowrap">{formatDate(t.created_at)}</td>
                  <td className="nowrap">{t.expires_at ? formatDate(t.expires_at) : <span className="muted">never</span>}</td>
                  <td className="nowrap" title={formatDateTime(t.last_used_at)}>{formatRelative(t.last_used_at)}</td>
                  <td className="actions">
                    {!t.revoked_at ? (
                      <PermittedButton need="admin" doing="revoke API tokens" size="sm" variant="ghost" className="danger-text"
                        onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </PermittedButton>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={page} perPage={perPage} total={q.data.total} noun="tokens" onPage={setPage} onPerPage={setPerPage} />
      {revoking ? (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke token"
          busy={revoke.isPending}
          error={revoke.error?.message}
          onCancel={() => { revoke.reset(); setRevoking(null); }}
          onConfirm={() => revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
        >
          Anything using it gets 401 from its next request on. This cannot be undone.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
