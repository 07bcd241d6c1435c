import { Link } from 'react-router';
import { formatDateTime, hostPort, shortHash } from '@/lib/format';
import { TableScroll } from '@/components/ui/table-scroll';
import type { CertificateDetail } from '../api/get-certificate';


/**
 * Where and when the certificate was served as a leaf, and when each
 * endpoint moved on to another one. Built from the kept check samples, so
 * the oldest endpoints fall out with their retention.
 */
export function CertificateHistory({ c }: { c: CertificateDetail }) {
  const history = c.history ?? [];
  return (
    <section className="card card-flush" aria-labelledby="cert-history-h">
      <div className="card-pad">
        <h2 id="cert-history-h" className="section-title">History</h2>
        <p className="muted small">First seen by your organization {formatDateTime(c.first_seen)}; last seen {formatDateTime(c.last_seen)}.</p>
      </div>
      {history.length === 0 ? (
        <p className="muted card-pad">No endpoint served it as its own certificate within the kept checks (it may be an intermediate or a root).</p>
      ) : (
        <TableScroll>
          <table className="table">
            <caption className="sr-only">Endpoints that served this certificate</caption>
            <thead>
              <tr><th scope="col">Endpoint</th><th scope="col">First served</th><th scope="col">Last seen</th><th scope="col" className="num">Checks</th><th scope="col">Replaced</th></tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.domain_id}>
                  <td><Link to={`/domains/${h.domain_id}`}>{hostPort(h.host, h.port)}</Link></td>
                  <td className="nowrap">{formatDateTime(h.first_seen)}</td>
                  <td className="nowrap">{formatDateTime(h.last_seen)}</td>
                  <td className="num">{h.checks}</td>
                  <td>
                    {h.replaced_at ? (
                      <>{formatDateTime(h.replaced_at)} by <Link to={`/certificates/${h.replaced_by}`} className="mono">{shortHash(h.replaced_by)}</Link></>
                    ) : (
                      <span className="muted">still served</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
