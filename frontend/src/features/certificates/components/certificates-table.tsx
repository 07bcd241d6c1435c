import { Link } from 'react-router';
import { DaysLeftBadge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { commonName, formatDate, hostPort, shortHash } from '@/lib/format';
import { useListParams } from '@/lib/list-params';
import { trustShortText, trustText } from '@/lib/wording';
import { useCertificates, type Certificate, type CertificateFilters } from '../api/get-certificates';
import { InventoryFilters, REVOCATION_FILTERS, SORTS } from './inventory-filters';
import { RevocationBadge } from './revocation-badge';
import { TableScroll } from '@/components/ui/table-scroll';

const oneOf = (v: string | null, allowed: string[]) => (v !== null && allowed.includes(v) ? v : '');

function filtersOf(params: URLSearchParams, perPage: number): CertificateFilters {
  const get = (k: string) => params.get(k) ?? '';
  return {
    page: Math.max(1, Number(params.get('page')) || 1),
    per_page: perPage,
    revocation: REVOCATION_FILTERS.find((f) => f.value === params.get('revocation'))?.value ?? '',
    q: get('q'), issuer: get('issuer'), key_type: get('key_type'), trust_status: get('trust_status'),
    expires_within: oneOf(params.get('expires_within'), ['0', '7', '30', '90']), tag: get('tag'), agent_id: get('agent_id'),
    sort: oneOf(params.get('sort'), SORTS.map((s) => s.value)),
  };
}


function Names({ c }: { c: Certificate }) {
  const names = c.names ?? [];
  if (names.length === 0) return <span className="muted">—</span>;
  const more = (c.name_count ?? names.length) - names.length;
  return <>{names.join(', ')}{more > 0 ? <span className="muted"> +{more} more</span> : null}</>;
}

function ServedAt({ c }: { c: Certificate }) {
  const eps = c.endpoints ?? [];
  if (c.serving === 0) return <span className="muted">not served now</span>;
  return (
    <>
      {eps.map((e, i) => (
        <span key={e.domain_id}>{i > 0 ? ', ' : ''}<Link to={`/domains/${e.domain_id}`}>{hostPort(e.host, e.port)}</Link></span>
      ))}
      {c.serving > eps.length ? <span className="muted"> +{c.serving - eps.length} more</span> : null}
    </>
  );
}

/** The inventory; its filters, sort and page live in the URL, so reload and shared links keep them. */
export function CertificatesTable() {
  const { params, update, clear, perPage, setPerPage } = useListParams();
  const filters = filtersOf(params, perPage);
  const q = useCertificates(filters);
  const filtered = Object.entries(filters).some(([k, v]) => k !== 'page' && k !== 'per_page' && k !== 'sort' && v !== '');
  return (
    <div className="card card-flush">
      <InventoryFilters key={filtered ? 'filtered' : 'all'} filters={filters} update={update} />
      {q.isPending ? (
        <Spinner label="Loading certificates" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load certificates.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        filtered ? (
          <EmptyState title="No certificate matches these filters">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => clear(['sort', 'per_page'])}>Clear the filters</button>
          </EmptyState>
        ) : (
          <EmptyState title="No certificates seen yet">Certificates appear here after the first successful check of a domain.</EmptyState>
        )
      ) : (
        <>
          <TableScroll>
            <table className="table" aria-busy={q.isFetching}>
              <caption className="sr-only">Certificates</caption>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Names (SANs)</th>
                  <th scope="col">Issuer</th>
                  <th scope="col">Days left</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Key</th>
                  <th scope="col">Signature</th>
                  <th scope="col">Trust</th>
                  <th scope="col">Revocation</th>
                  <th scope="col">Served at</th>
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
                    <td className="small"><Names c={c} /></td>
                    <td className="muted">{c.issuer ? commonName(c.issuer) : '—'}</td>
                    <td><DaysLeftBadge days={c.days_left} /></td>
                    <td className="nowrap">{formatDate(c.not_after)}</td>
                    <td className="nowrap">{c.key_type ? `${c.key_type} ${c.key_bits || ''}`.trim() : '—'}</td>
                    <td className="nowrap small">{c.signature_algorithm || '—'}</td>
                    <td>{c.trust_status ? <span className="chip" title={trustText(c.trust_status)}>{trustShortText(c.trust_status)}</span> : '—'}</td>
                    <td><RevocationBadge revocation={c.revocation} root={c.is_ca && c.subject === c.issuer} /></td>
                    <td className="small" data-testid="served-at"><ServedAt c={c} /></td>
                    <td className="mono" title={c.sha256}>{shortHash(c.sha256)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pagination page={filters.page} perPage={q.data.per_page} total={q.data.total} noun="certificates"
            estimated={!q.data.total_exact}
            {...(q.data.total_exact ? {} : { hasNext: q.data.items.length === q.data.per_page, shown: q.data.items.length })}
            onPage={(p) => update({ page: String(p) })} onPerPage={setPerPage} />
        </>
      )}
    </div>
  );
}
