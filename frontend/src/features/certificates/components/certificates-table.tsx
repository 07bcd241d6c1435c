import { useState } from 'react';
import { DaysLeftBadge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { commonName, formatDate, shortHash } from '@/lib/format';
import { useCertificates } from '../api/get-certificates';

export function CertificatesTable() {
  const [page, setPage] = useState(1);
  const q = useCertificates(page, '');
  if (q.isPending) return <Spinner label="Loading certificates" />;
  if (q.isError) return <Notice tone="error" title="Could not load certificates.">{q.error.message}</Notice>;
  if ('unavailable' in q.data) {
    return (
      <EmptyState title="The certificate inventory is not available on this server yet">
        Each domain's page already shows the chain it serves and the history of certificates it has served.
      </EmptyState>
    );
  }
  if (q.data.items.length === 0) {
    return <EmptyState title="No certificates seen yet">Certificates appear here after the first successful check of a domain.</EmptyState>;
  }
  return (
    <div className="card card-flush">
      <div className="table-wrap">
        <table className="table">
          <caption className="sr-only">Certificates</caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Issuer</th>
              <th scope="col">Days left</th>
              <th scope="col">Expires</th>
              <th scope="col">Trust</th>
              <th scope="col" className="num">Served by</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((c) => (
              <tr key={c.sha256}>
                <td>{c.subject ? commonName(c.subject) : '—'}{c.is_ca ? <span className="chip">CA</span> : null}</td>
                <td className="muted">{c.issuer ? commonName(c.issuer) : '—'}</td>
                <td><DaysLeftBadge days={c.days_left ?? null} /></td>
                <td className="nowrap">{formatDate(c.not_after)}</td>
                <td>{c.trust_status ? <span className="chip">{c.trust_status.replace(/_/g, ' ')}</span> : '—'}</td>
                <td className="num">{c.serving ?? '—'}</td>
                <td className="mono" title={c.sha256}>{shortHash(c.sha256)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={page} perPage={q.data.per_page} total={q.data.total} noun="certificates" onPage={setPage} />
    </div>
  );
}
