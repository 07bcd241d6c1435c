import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { commonName, formatDateTime, formatRelative } from '@/lib/format';
import { useRevocationSources, type RevocationSource } from '../api/get-revocation-sources';
import { UploadCRL } from './upload-crl';
import { TableScroll } from '@/components/ui/table-scroll';

/**
 * A source's health in words, worst first: "Expired 2 days ago", "Number went
 * backwards (from 12 to 11)", "Not updated since …", "Expires in 3 hours",
 * "Fresh until …"; a responder says when it last answered.
 */
export function sourceHealthText(s: RevocationSource, now: Date = new Date()): string {
  if (s.kind === 'ocsp') return s.answered_at ? `Answered ${formatRelative(s.answered_at, now)}` : 'Never answered';
  const has = (p: RevocationSource['problems'][number]) => s.problems.includes(p);
  if (has('stale')) return `Expired ${formatRelative(s.next_update, now)}`;
  if (has('regressed')) return `Number went backwards (from ${s.regressed_from} to ${s.crl_number})`;
  if (has('stalled')) return `Not updated since ${formatDateTime(s.number_since)} (number ${s.crl_number})`;
  if (has('expiring')) return `Expires ${formatRelative(s.next_update, now)}`;
  if (!s.next_update) return s.answered_at ? 'Loaded, without a next update' : 'Never loaded';
  return `Fresh until ${formatDateTime(s.next_update)}`;
}

/** Who got a source's CRL or answer: the server, an agent, or an upload. */
export function sourceOriginText(s: RevocationSource): string {
  if (s.origin === 'agent') return `Fetched by agent ${s.agent_name || s.agent_id || ''}`.trim();
  if (s.origin === 'uploaded') return 'Uploaded';
  return 'Fetched by the server';
}

/** The organization's CRLs and responders; canWrite shows the upload control. */
export function RevocationSources({ canWrite = false }: { canWrite?: boolean }) {
  return (
    <>
      {canWrite ? <UploadCRL /> : null}
      <SourcesTable />
    </>
  );
}

function SourcesTable() {
  const [page, setPage] = useState(1);
  const q = useRevocationSources(page);
  if (q.isPending) return <Spinner label="Loading revocation sources" />;
  if (q.isError) return <Notice tone="error" title="Could not load revocation sources.">{q.error.message}</Notice>;
  if (q.data.items.length === 0) {
    return (
      <EmptyState title="No CRLs or OCSP responders checked yet">
        The CRLs and responders your certificates name appear here once the server has checked their revocation.
      </EmptyState>
    );
  }
  return (
    <div className="card card-flush">
      <TableScroll>
        <table className="table">
          <caption className="sr-only">Revocation sources</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">URL</th>
              <th scope="col">Issuer</th>
              <th scope="col">Health</th>
              <th scope="col">From</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((s) => (
              <tr key={`${s.kind} ${s.url}`}>
                <td>{s.kind === 'crl' ? 'CRL' : 'OCSP'}</td>
                <td className="mono">{s.url}</td>
                <td className="muted">{s.issuer ? commonName(s.issuer) : '—'}</td>
                <td className={s.problems.length > 0 ? 'danger-text' : undefined}>{sourceHealthText(s)}</td>
                <td className="muted">{sourceOriginText(s)}</td>
                <td className="muted">{s.error ? `${s.error}${s.failures > 1 ? ` (${s.failures} failures in a row)` : ''}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={page} perPage={q.data.per_page} total={q.data.total} noun="sources" onPage={setPage} />
    </div>
  );
}
