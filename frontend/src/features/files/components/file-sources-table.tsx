import { Link } from 'react-router';
import { DaysLeftBadge, StatusBadge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { TableScroll } from '@/components/ui/table-scroll';
import { formatDate, shortHash } from '@/lib/format';
import { useListParams, useTextParam } from '@/lib/list-params';
import { errorText, fileFormatText, problemText, statusText } from '@/lib/wording';
import { fileLabel, useFileSources, type FileSource, type FileSourceFilters } from '../api/get-file-sources';

const STATUSES = ['ok', 'due', 'expiring', 'expired', 'invalid', 'unreachable', 'pending'];
const SORTS = [
  { value: 'host', label: 'Host' },
  { value: 'days_left', label: 'Days left' },
  { value: '-last_checked_at', label: 'Last read' },
];

function filtersOf(params: URLSearchParams, perPage: number): FileSourceFilters {
  const status = params.get('status') ?? '';
  const sort = params.get('sort') ?? '';
  return {
    page: Math.max(1, Number(params.get('page')) || 1),
    per_page: perPage,
    q: params.get('q') ?? '',
    status: STATUSES.includes(status) ? status : '',
    sort: SORTS.some((s) => s.value === sort) ? sort : 'host',
  };
}

/** What is wrong with an item: its read error, or its problems. */
function Finding({ f }: { f: FileSource }) {
  if (f.last_error || f.last_error_kind) return <span title={f.last_error}>{errorText(f.last_error, f.last_error_kind)}</span>;
  if (f.problems.length === 0) return <span className="muted">—</span>;
  return <>{f.problems.map(problemText).join(', ')}</>;
}

/**
 * Certificates agents read from files on their hosts. Its filters, sort and
 * page live in the URL, so reload and shared links keep them.
 */
export function FileSourcesTable() {
  const list = useListParams();
  const { params, update, clear, perPage, setPerPage } = list;
  const filters = filtersOf(params, perPage);
  const [text, setText] = useTextParam(list, 'q');
  const q = useFileSources(filters);
  const filtered = filters.q !== '' || filters.status !== '';
  return (
    <div className="card card-flush">
      <div className="toolbar" role="search" aria-label="Filter file sources">
        <div className="field field-inline grow">
          <label htmlFor="files-q" className="sr-only">Search file sources</label>
          <input id="files-q" className="input" type="search" placeholder="Search host or path…" value={text}
            onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field field-inline">
          <label htmlFor="files-status" className="sr-only">Status</label>
          <select id="files-status" className="input select" value={filters.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s} value={s}>{statusText(s)}</option>)}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="files-sort" className="sr-only">Sort by</label>
          <select id="files-sort" className="input select" value={filters.sort}
            onChange={(e) => update({ sort: e.target.value === 'host' ? '' : e.target.value })}>
            {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </div>
      </div>
      {q.isPending ? (
        <Spinner label="Loading file sources" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load file sources.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        filtered ? (
          <EmptyState title="No file matches these filters">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => clear(['sort', 'per_page'])}>Clear the filters</button>
          </EmptyState>
        ) : (
          <EmptyState title="No certificate files reported yet">
            <p>
              Agents read certificate files only when their own configuration names them, never on the server&apos;s request. Set{' '}
              <code>CERTINEL_FILE_SOURCES</code> in the agent&apos;s environment or env file to the paths or glob patterns of PEM, DER,
              PKCS#12, JKS or JCEKS files and CRLs, then restart the agent: each certificate appears here after its next run.
            </p>
            <p className="muted">CRL files become revocation sources, listed with the certificates.</p>
          </EmptyState>
        )
      ) : (
        <>
          <TableScroll>
            <table className="table" aria-busy={q.isFetching}>
              <caption className="sr-only">File sources</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Format</th>
                  <th scope="col">Status</th>
                  <th scope="col">Days left</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Finding</th>
                  <th scope="col">Certificate</th>
                  <th scope="col">Last read</th>
                </tr>
              </thead>
              <tbody>
                {q.data.items.map((f) => (
                  <tr key={f.id} data-testid="file-source">
                    <td className="mono"><Link to={`/domains/${f.id}`}>{fileLabel(f.file)}</Link></td>
                    <td className="nowrap">{fileFormatText(f.file.format)}</td>
                    <td><StatusBadge status={f.status} /></td>
                    <td><DaysLeftBadge days={f.days_left} status={f.status} /></td>
                    <td className="nowrap">{f.not_after ? formatDate(f.not_after) : '—'}</td>
                    <td className="small"><Finding f={f} /></td>
                    <td className="mono">{f.sha256 ? <Link to={`/certificates/${f.sha256}`} title={f.sha256}>{shortHash(f.sha256)}</Link> : '—'}</td>
                    <td className="nowrap">{f.last_checked_at ? formatDate(f.last_checked_at) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pagination page={filters.page} perPage={q.data.per_page} total={q.data.total} noun="file sources"
            onPage={(p) => update({ page: String(p) })} onPerPage={setPerPage} />
        </>
      )}
    </div>
  );
}
