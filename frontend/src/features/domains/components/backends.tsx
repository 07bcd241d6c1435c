import { Badge, DaysLeftBadge, StatusBadge } from '@/components/ui/badge';
import { TableScroll } from '@/components/ui/table-scroll';
import { TechnicalDetails } from '@/components/ui/technical-details';
import { formatDate, formatDateTime, shortHash } from '@/lib/format';
import { errorKindText, errorText } from '@/lib/wording';
import type { Backend } from '../types';

/**
 * Every address the domain's name resolves to, each with the certificate it
 * served at its latest check. Shown when the name has more than one: a
 * single backend is the domain itself, shown above.
 */
export function Backends({ backends }: { backends: Backend[] }) {
  if (backends.length < 2) return null;
  return (
    <section className="card card-flush" aria-labelledby="backends-h">
      <h2 id="backends-h" className="section-title card-pad">Backends</h2>
      <p className="muted card-pad">Each address the name resolves to is checked with the same server name.</p>
      <TableScroll>
        <table className="table" data-testid="backends">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Certificate</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
              <th scope="col">Checked</th>
            </tr>
          </thead>
          <tbody>
            {backends.map((b) => (
              <tr key={b.address} data-address={b.address}>
                <td className="mono">
                  {b.address}
                  <div className="muted small">{b.family === 'ipv6' ? 'IPv6' : 'IPv4'}</div>
                </td>
                <td className="mono" title={b.sha256 || undefined}>{b.sha256 ? shortHash(b.sha256) : '—'}</td>
                <td className="nowrap">
                  {b.not_after ? (
                    <>
                      {formatDate(b.not_after)} {b.days_left != null ? <DaysLeftBadge days={b.days_left} /> : null}
                    </>
                  ) : '—'}
                </td>
                <td>
                  <StatusBadge status={b.status} />
                  {b.stale_certificate ? (
                    <>
                      {' '}
                      <Badge tone="warning" title="Another backend of this name serves a newer certificate: this one never took up the renewal (a cache, or a process that was not reloaded).">
                        Serves an older certificate (failed uptake)
                      </Badge>
                    </>
                  ) : null}
                  {b.error ? (
                    <div className="small">
                      {errorKindText(b.error_kind)}: {errorText(b.error, b.error_kind)}
                      <TechnicalDetails raw={b.error} />
                    </div>
                  ) : null}
                </td>
                <td className="nowrap">{formatDateTime(b.observed_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
