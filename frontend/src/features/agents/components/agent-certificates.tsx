import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime } from '@/lib/format';
import { useAgentCertificates } from '../api/get-agent-certificates';
import { useRevokeAgentCertificate, useRevokeAllAgentCertificates } from '../api/revoke-certificates';
import type { Agent, AgentCertificate } from '../types';
import { CertificateExpiry } from './agent-identity';
import { certificateStatusLabel, certificateStatusMeaning, certificateStatusTone, hasCertificate, isLive, originLabel } from './certificate';
import { TableScroll } from '@/components/ui/table-scroll';

const PER_PAGE = 50;

/** Every certificate issued to the agent, newest first; admins revoke one or all. */
export function AgentCertificates({ agent, canAdmin }: { agent: Agent; canAdmin: boolean }) {
  const [page, setPage] = useState(1);
  const [revoking, setRevoking] = useState<AgentCertificate | null>(null);
  const [revokingAll, setRevokingAll] = useState(false);
  const q = useAgentCertificates(agent.id, page, PER_PAGE);
  const revoke = useRevokeAgentCertificate();
  const revokeAll = useRevokeAllAgentCertificates();
  if (q.isPending) return <Spinner label="Loading certificates" />;
  if (q.isError) return <Notice tone="error" title="Could not load the agent's certificates.">{q.error.message}</Notice>;
  const live = q.data.items.filter(isLive);
  const closeOne = () => { revoke.reset(); setRevoking(null); };
  const closeAll = () => { revokeAll.reset(); setRevokingAll(false); };
  return (
    <section className="card stack" aria-labelledby="agent-certs-h">
      <div className="card-head">
        <h2 id="agent-certs-h" className="section-title">Certificate history</h2>
        {canAdmin && (live.length > 0 || hasCertificate(agent)) ? (
          <Button variant="danger" size="sm" onClick={() => setRevokingAll(true)}>Revoke all and require re-enrollment</Button>
        ) : null}
      </div>
      {q.data.items.length === 0 && page === 1 ? (
        <EmptyState title="No certificates yet">
          This agent has never enrolled: it authenticates with its tokens. Create a join token to give it a client certificate.
        </EmptyState>
      ) : (
        <TableScroll>
          <table className="table">
            <caption className="sr-only">Certificates of {agent.name}</caption>
            <thead>
              <tr>
                <th scope="col">Serial</th>
                <th scope="col">Status</th>
                <th scope="col">Issued</th>
                <th scope="col">Valid until</th>
                <th scope="col">Revoked</th>
                {canAdmin ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((c) => (
                <tr key={c.serial}>
                  <td className="mono">{c.serial}</td>
                  <td>
                    <Badge tone={certificateStatusTone[c.status]} title={certificateStatusMeaning[c.status]}>{certificateStatusLabel[c.status]}</Badge>
                  </td>
                  <td className="nowrap">
                    {formatDateTime(c.created_at)}
                    <div className="muted small">{originLabel[c.origin]}</div>
                  </td>
                  <td className="nowrap">
                    {formatDateTime(c.not_after)} {isLive(c) ? <CertificateExpiry notAfter={c.not_after} issuedAt={c.not_before} /> : null}
                  </td>
                  <td className="nowrap">{c.revoked_at ? formatDateTime(c.revoked_at) : <span className="muted">—</span>}</td>
                  {canAdmin ? (
                    <td className="actions">
                      {isLive(c) ? (
                        <Button size="sm" variant="ghost" className="danger-text" onClick={() => setRevoking(c)} aria-label={`Revoke certificate ${c.serial}`}>
                          Revoke
                        </Button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pagination page={page} perPage={PER_PAGE} total={q.data.total} noun="certificates" onPage={setPage} />
      {revoking ? (
        <ConfirmDialog
          title={`Revoke certificate ${revoking.serial}?`}
          confirmLabel="Revoke certificate"
          busy={revoke.isPending}
          error={revoke.error?.message}
          onCancel={closeOne}
          onConfirm={() => revoke.mutate({ id: agent.id, serial: revoking.serial }, { onSuccess: () => setRevoking(null) })}
        >
          <p>
            The certificate of “{agent.name}” with serial <code>{revoking.serial}</code>, issued {formatDateTime(revoking.created_at)}, is refused
            from its next request and published in the revocation list.
          </p>
          <p>
            {revoking.status === 'current'
              ? 'It is the agent’s current certificate: the agent stops working until it enrolls again with a new join token.'
              : 'It was replaced by a renewal: the agent’s current certificate keeps working.'}
          </p>
        </ConfirmDialog>
      ) : null}
      {revokingAll ? (
        <ConfirmDialog
          title={`Revoke every certificate of “${agent.name}”?`}
          confirmLabel="Revoke all"
          busy={revokeAll.isPending}
          error={revokeAll.error?.message}
          onCancel={closeAll}
          onConfirm={() => revokeAll.mutate(agent.id, { onSuccess: () => setRevokingAll(false) })}
        >
          <p>
            {live.length === 1 ? 'Its live certificate' : `All ${live.length} of its live certificates`} (
            {live.map((c, i) => (
              <span key={c.serial}>{i > 0 ? ', ' : ''}<code>{c.serial}</code></span>
            ))}
            ) {live.length === 1 ? 'is' : 'are'} refused from the agent's next request and published in the revocation list.
          </p>
          <p>The agent stops working until it enrolls again with a new join token.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
