import { Link } from 'react-router';
import { DaysLeftBadge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { commonName, formatDate, shortHash } from '@/lib/format';
import { useListParams } from '@/lib/list-params';
import { trustShortText, trustText } from '@/lib/wording';
import { useCertificates, type CertificateFilters } from '../api/get-certificates';
import { RevocationBadge } from './revocation-badge';
import { TableScroll } from '@/components/ui/table-scroll';

/** The revocation filters, as the query string spells them. */
const REVOCATION_FILTERS: { value: CertificateFilters['revocation']; label: string }[] = [
  { value: '', label: 'Any revocation status' },
  { value: 'revoked', label: 'Revoked' },
  { value: 'unavailable', label: 'Revocation unavailable' },
  { value: 'unknown', label: 'Unknown to the CA' },
  { value: 'good', label: 'Not revoked' },
];

function filtersOf(params: URLSearchParams): CertificateFilters {
  const revocation = REVOCATION_FILTERS.find((f) => f.value === params.get('revocation'))?.value ?? '';
  return { page: Math.max(1, Number(params.get('page')) || 1), revocation };
}

/** The inventory; its filter and page live in the URL, so reload and shared links keep them. */
export function CertificatesTable() {
  const { params, update } = useListParams();
  const filters = filtersOf(params);
  const q = useCertificates(filters);
  return (
    <div className="card card-flush">
      <div className="toolbar" role="search" aria-label="Filter certificates">
        <div className="field field-inline">
          <label htmlFor="cert-revocation" className="sr-only">Revocation</label>
          <select id="cert-revocation" className="input select" value={filters.revocation} onChange={(e) => update({ revocation: e.target.value })}>
            {REVOCATION_FILTERS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
          </select>
        </div>
      </div>
      {q.isPending ? (
        <Spinner label="Loading certificates" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load certificates.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        filters.revocation ? (
          <EmptyState title="No certificate matches this filter">Choose “Any revocation status” to see every certificate.</EmptyState>
        ) : (
          <EmptyState title="No certificates seen yet">Certificates appear here after the first successful check of a domain.</EmptyState>
        )
      ) : (
        <>
          <TableScroll>
            <table className="table">
              <caption className="sr-only">Certificates</caption>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Issuer</th>
                  <th scope="col">Days left</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Trust</th>
                  <th scope="col">Revocation</th>
                  <th scope="col" className="num">Served by</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {q.data.items.map((c) => (
                  <tr key={c.sha256}>
                    <td>
                      <Link to={`/certificates/${c.sha256}`}>{c.subject ? commonName(c.subject) : shortHash(c.sha256)}</Link>
                      {c.is_ca ? <span className="chip">CA</span> : null}
                    </td>
                    <td className="muted">{c.issuer ? commonName(c.issuer) : '—'}</td>
                    <td><DaysLeftBadge days={c.days_left} /></td>
                    <td className="nowrap">{formatDate(c.not_after)}</td>
                    <td>{c.trust_status ? <span className="chip" title={trustText(c.trust_status)}>{trustShortText(c.trust_status)}</span> : '—'}</td>
                    <td><RevocationBadge revocation={c.revocation} root={c.is_ca && c.subject === c.issuer} /></td>
                    <td className="num">{c.serving}</td>
                    <td className="mono" title={c.sha256}>{shortHash(c.sha256)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pagination page={filters.page} perPage={q.data.per_page} total={q.data.total} noun="certificates"
            onPage={(p) => update({ page: String(p) })} />
        </>
      )}
    </div>
  );
}
