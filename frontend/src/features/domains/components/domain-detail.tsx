import { useState, type ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Link, useNavigate } from 'react-router';
import { DaysLeftBadge, StatusBadge } from '@/components/ui/badge';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Spinner } from '@/components/ui/spinner';
import { isNotFound } from '@/lib/api-client';
import { commonName, formatDate, formatDateTime, formatRelative, shortHash } from '@/lib/format';
import { useDeleteDomains } from '../api/delete-domains';
import { useDomain } from '../api/get-domain';
import { useUpdateDomain } from '../api/update-domain';
import { endpointWithSNI, type AgentOption, type DomainDetail as Detail } from '../types';
import { Backends } from './backends';
import { ChainTree } from './chain-tree';
import { RevocationFact } from './revocation';
import { ChangesTimeline } from './changes-timeline';
import { CheckNowButton } from './check-now';
import { CheckStrip } from './check-strip';
import { DomainEditForm } from './domain-edit-form';
import { KeyExchangeFacts } from './key-exchange';
import { RenewalWindowFact, RenewalWindowNotice } from './renewal-window';
import { ProblemList, windowText } from './renewal';
import { Verdicts } from './verdicts';
import { TechnicalDetails } from '@/components/ui/technical-details';
import { errorKindText, errorText } from '@/lib/wording';
import { PermittedButton } from '@/components/ui/permitted-button';
import { LifecycleBar } from './lifecycle-bar';
import { TableScroll } from '@/components/ui/table-scroll';

type DetailProps = { id: string; agents: AgentOption[]; canWrite?: boolean; children?: ReactNode };

/** children (composed by the route, e.g. the domain's alerts) go below the chain. */
export function DomainDetail({ id, agents, canWrite = true, children }: DetailProps) {
  const q = useDomain(id);
  if (q.isPending) return <Spinner label="Loading domain" />;
  if (q.isError) {
    if (isNotFound(q.error)) {
      return (
        <EmptyState title="Domain not found" action={<Link to="/domains" className="btn btn-secondary btn-md">Back to domains</Link>}>
          It may have been deleted, or it belongs to another organization.
        </EmptyState>
      );
    }
    return <Notice tone="error" title="Could not load the domain.">{q.error.message}</Notice>;
  }
  return <DomainView d={q.data} agents={agents} canWrite={canWrite}>{children}</DomainView>;
}

function DomainView({ d, agents, canWrite, children }: { d: Detail; agents: AgentOption[]; canWrite: boolean; children?: ReactNode }) {
  const navigate = useNavigate();
  const [confirm, setConfirm] = useState(false);
  const [editing, setEditing] = useState(false);
  const stale = d.stale ?? [];
  const del = useDeleteDomains();
  const update = useUpdateDomain();
  const agent = d.agent_id ? agents.find((a) => a.id === d.agent_id) : undefined;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        {d.file ? <Link to="/files">Files</Link> : <Link to="/domains">Domains</Link>} <span aria-hidden="true">/</span> <span aria-current="page">{endpointWithSNI(d)}</span>
      </nav>
      <PageHeader
        title={
          <span className="title-with-badges">
            {endpointWithSNI(d)} <StatusBadge status={d.status} /> <DaysLeftBadge days={d.days_left} status={d.status} />
            {stale.length > 0 ? (
              <Badge tone="warning" title="A newer certificate for this name is served elsewhere">
                Stale certificate
              </Badge>
            ) : null}
          </span>
        }
        description={
          d.not_after ? (
            <>
              Earliest expiry in the chain: {formatDateTime(d.not_after)}
              {d.renewal_window && d.status !== 'expired' ? <> · <span data-testid="renewal-window">{windowText(d.renewal_window)}</span></> : null}
            </>
          ) : d.last_checked_at ? (
            'No certificate seen yet: the latest check failed.'
          ) : (
            'Waiting for its first check.'
          )
        }
        actions={
          <>
            {/* A file is read by its agent on each cycle; there is no handshake to ask for. */}
            {canWrite && !d.file ? <CheckNowButton ids={[d.id]} /> : null}
            <PermittedButton need="write" doing="edit domains" onClick={() => setEditing((x) => !x)} aria-expanded={editing}>Edit</PermittedButton>
            <PermittedButton need="write" doing="delete domains" variant="danger" onClick={() => setConfirm(true)}>Delete</PermittedButton>
          </>
        }
      />
      <ProblemList problems={d.problems} />
      {editing ? (
        <section className="card" aria-labelledby="edit-h">
          <h2 id="edit-h" className="section-title">Edit {endpointWithSNI(d)}</h2>
          <DomainEditForm domain={d} onDone={() => setEditing(false)} />
        </section>
      ) : null}
      {stale.map((s) => (
        <Notice key={s.newer_sha256} tone="warning" title="This endpoint serves a stale certificate.">
          A newer certificate for <strong>{s.name}</strong> is already served on{' '}
          <Link to={`/domains/${s.newer_domain_id}`}>{s.newer_host}:{s.newer_port}</Link> (
          <span className="mono">{shortHash(s.newer_sha256)}</span>); this one still presents{' '}
          <span className="mono">{shortHash(s.served_sha256)}</span>. The renewal was probably not deployed here.
        </Notice>
      ))}
      {d.renewal_info ? <RenewalWindowNotice info={d.renewal_info} /> : null}
      <div className="detail-grid">
        <section className="card" aria-labelledby="facts-h">
          <h2 id="facts-h" className="section-title">Endpoint</h2>
          <dl className="facts">
            <div><dt>Protocol</dt><dd>{d.protocol}</dd></div>
            <div><dt>SNI</dt><dd>{d.sni || <span className="muted">host name</span>}</dd></div>
            <div>
              <dt><label htmlFor="agent-pick">Checked by</label></dt>
              <dd>
                <select id="agent-pick" className="input select input-compact" value={d.agent_id ?? ''} disabled={update.isPending || !canWrite}
                  onChange={(e) => update.mutate({ id: d.id, agent_id: e.target.value || null })}>
                  <option value="">Certinel cloud</option>
                  {d.agent_id && !agent ? <option value={d.agent_id}>Unknown agent</option> : null}
                  {agents.map((a) => <option key={a.id} value={a.id}>Agent: {a.name}</option>)}
                </select>
                {update.isError ? <p className="field-error" role="alert">{update.error.message}</p> : null}
              </dd>
            </div>
            <div><dt>Last check</dt><dd>{d.last_checked_at ? `${formatDateTime(d.last_checked_at)} (${formatRelative(d.last_checked_at)})` : 'never'}</dd></div>
            <KeyExchangeFacts domain={d} />
            <div><dt>Leaf SHA-256</dt><dd className="mono" title={d.sha256 ?? undefined}>{shortHash(d.sha256, 24)}</dd></div>
            <div><dt>Tags</dt><dd>{d.tags.length ? d.tags.map((t) => <span key={t} className="chip">{t}</span>) : <span className="muted">none</span>}</dd></div>
            <div><dt>Renew after</dt><dd>{d.renew_after_fraction != null ? `${Math.round(d.renew_after_fraction * 100)}% of the lifetime` : <span className="muted">policy default</span>}{d.urgent_at ? <span className="muted"> · urgent from {formatDate(d.urgent_at)}</span> : null}</dd></div>
            {d.renewal_info ? <RenewalWindowFact info={d.renewal_info} /> : null}
            <RevocationFact chain={d.chain} />
            <div><dt>Added</dt><dd>{formatDate(d.created_at)}</dd></div>
          </dl>
        </section>
        <section className="card stack" aria-labelledby="err-h">
          <h2 id="err-h" className="section-title">Latest check</h2>
          {d.analysis ? <Verdicts analysis={d.analysis} /> : null}
          {d.status === 'invalid' && !d.analysis ? (
            <Notice tone="error" title="The chain was judged invalid.">
              Certinel verifies trust (public roots and your organization's CA bundles), that the certificate matches the
              host name, and the strength of keys and signatures.
            </Notice>
          ) : null}
          {d.last_error ? (
            <Notice tone="error" title={errorKindText(d.last_error_kind)}>
              {errorText(d.last_error, d.last_error_kind)}
              <TechnicalDetails raw={d.last_error} />
            </Notice>
          ) : d.last_checked_at ? (
            <p className="muted small">
              Last handshake succeeded
              {d.last_check
                ? ` · ${d.last_check.tls_version || 'TLS'} · ${d.last_check.cipher_suite || 'cipher unknown'} · ${d.last_check.address} · ${d.last_check.duration_ms} ms · ${d.last_check.by_agent ? 'by agent' : 'from Certinel'}`
                : ''}
              .
            </p>
          ) : (
            <p className="muted">
              Waiting for the first check. {d.agent_id ? 'The agent picks up new targets on its next run.' : 'Public endpoints are checked from Certinel.'}
            </p>
          )}
        </section>
      </div>
      <div className="detail-grid">
        <section className="card" aria-labelledby="checks-h">
          <h2 id="checks-h" className="section-title">Recent checks</h2>
          <CheckStrip samples={d.samples ?? []} />
        </section>
        {d.chain[0] ? (
          <section className="card" aria-labelledby="life-h">
            <h2 id="life-h" className="section-title">Certificate lifetime</h2>
            <LifecycleBar notBefore={d.chain[0].not_before} notAfter={d.chain[0].not_after} window={d.renewal_window} />
          </section>
        ) : null}
      </div>
      <section className="card" aria-labelledby="chain-h">
        <h2 id="chain-h" className="section-title">Certificate chain</h2>
        <ChainTree chain={d.chain} />
      </section>
      {children}
      <Backends backends={d.backends ?? []} />
      {d.changes && d.changes.length > 0 ? (
        <section className="card" aria-labelledby="changes-h">
          <h2 id="changes-h" className="section-title">Certificate changes</h2>
          <ChangesTimeline changes={d.changes} history={d.history} />
        </section>
      ) : null}
      {d.errors && d.errors.length > 0 ? (
        <section className="card card-flush" aria-labelledby="errs-h">
          <h2 id="errs-h" className="section-title card-pad">Recent errors</h2>
          <TableScroll>
            <table className="table">
              <thead>
                <tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Address</th><th scope="col">Error</th></tr>
              </thead>
              <tbody>
                {d.errors.map((e, i) => (
                  <tr key={`${e.observed_at}-${i}`}>
                    <td className="nowrap">
                      {formatDateTime(e.observed_at)}
                      {e.checks > 1 ? (
                        <div className="muted small">
                          {e.checks} checks since {formatDateTime(e.first_observed_at)}
                        </div>
                      ) : null}
                    </td>
                    <td>{errorKindText(e.error_kind)}</td>
                    <td className="mono">{e.address || '—'}</td>
                    <td>{errorText(e.error, e.error_kind)}<TechnicalDetails raw={e.error} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      ) : null}
      <section className="card card-flush" aria-labelledby="hist-h">
        <h2 id="hist-h" className="section-title card-pad">History of certificates served</h2>
        {d.history.length === 0 ? (
          <p className="muted card-pad">No certificate seen yet.</p>
        ) : (
          <TableScroll>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Certificate</th>
                  <th scope="col">Issuer</th>
                  <th scope="col">Expires</th>
                  <th scope="col">First seen</th>
                  <th scope="col">Last seen</th>
                  <th scope="col" className="num">Checks</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {d.history.map((h) => (
                  <tr key={h.sha256}>
                    <td>{commonName(h.subject)}</td>
                    <td className="muted">{commonName(h.issuer)}</td>
                    <td className="nowrap">{formatDate(h.not_after)}</td>
                    <td className="nowrap">{formatDateTime(h.first_seen)}</td>
                    <td className="nowrap">{formatDateTime(h.last_seen)}</td>
                    <td className="num">{h.checks}</td>
                    <td className="mono" title={h.sha256}>{shortHash(h.sha256)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      {confirm ? (
        <ConfirmDialog
          title={`Delete ${endpointWithSNI(d)}?`}
          confirmLabel="Delete domain"
          busy={del.isPending}
          error={del.error?.message ?? (del.data?.failed.length ? 'The domain could not be deleted.' : null)}
          onCancel={() => setConfirm(false)}
          onConfirm={() => del.mutate([d.id], { onSuccess: (r) => r.failed.length === 0 && navigate('/domains') })}
        >
          Monitoring stops and its history is deleted.
        </ConfirmDialog>
      ) : null}
    </>
  );
}
