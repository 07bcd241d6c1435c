import { Link } from 'react-router';
import { DaysLeftBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Spinner } from '@/components/ui/spinner';
import { isNotFound } from '@/lib/api-client';
import { daysLeftLabel } from '@/lib/days-left';
import { downloadText } from '@/lib/download';
import { naturalSortBy } from '@/lib/natural-sort';
import { usageText } from '@/lib/wording';
import { commonName, formatDate, formatDateTime, formatRelative } from '@/lib/format';
import { useCertificate, type CertificateDetail as Detail } from '../api/get-certificate';
import { CertificateHistory } from './certificate-history';
import { RevocationFacts } from './revocation-facts';
import { RevocationBadge } from './revocation-badge';
import { TableScroll } from '@/components/ui/table-scroll';

export function CertificateDetail({ sha256 }: { sha256: string }) {
  const q = useCertificate(sha256);
  if (q.isPending) return <Spinner label="Loading certificate" />;
  if (q.isError) {
    if (isNotFound(q.error)) {
      return (
        <EmptyState title="Certificate not found" action={<Link to="/certificates" className="btn btn-secondary btn-md">Back to certificates</Link>}>
          No endpoint of your organization has served a certificate with this fingerprint.
        </EmptyState>
      );
    }
    return <Notice tone="error" title="Could not load the certificate.">{q.error.message}</Notice>;
  }
  return <CertificateView c={q.data} />;
}

/** Days left as a phrase: "42 days left", "expires today", "expired 3 days ago". */
function lifeText(days: number): string {
  return days > 0 ? `${daysLeftLabel(days)} left` : daysLeftLabel(days);
}

function keyText(c: Detail): string {
  const bits = c.key_bits ? ` ${c.key_bits} bits` : '';
  return `${c.key_type || 'Unknown key'}${bits}${c.facts.curve ? ` (${c.facts.curve})` : ''}`;
}

function CertificateView({ c }: { c: Detail }) {
  const name = commonName(c.subject) || c.sha256.slice(0, 12);
  const f = c.facts;
  const sans = [...f.dns_names, ...f.ip_addresses, ...f.uris, ...f.emails];
  const revoked = c.revocation?.state === 'revoked';
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/certificates">Certificates</Link> <span aria-hidden="true">/</span> <span aria-current="page">{name}</span>
      </nav>
      <PageHeader
        title={<span className="title-with-badges">{name} <DaysLeftBadge days={c.days_left} /> <RevocationBadge revocation={c.revocation} root={f.self_signed} /></span>}
        description={`Valid from ${formatDate(c.not_before)} until ${formatDateTime(c.not_after)}: ${lifeText(c.days_left)}.`}
        actions={<Button onClick={() => downloadText(`${name.replace(/[^\w.-]+/g, '_')}.pem`, c.pem, 'application/x-pem-file')}>Download PEM</Button>}
      />
      {revoked ? (
        <Notice tone="error" title="Its CA has revoked this certificate.">
          Clients that check revocation refuse it. Replace it on every endpoint that serves it.
        </Notice>
      ) : null}
      <div className="detail-grid">
        <section className="card" aria-labelledby="cert-h">
          <h2 id="cert-h" className="section-title">Certificate</h2>
          <dl className="facts">
            <div><dt>Subject</dt><dd className="break">{c.subject || '—'}</dd></div>
            <div><dt>Issuer</dt><dd className="break">{c.issuer || '—'}</dd></div>
            <div>
              <dt>Names (SANs)</dt>
              <dd>{sans.length ? sans.map((n) => <span key={n} className="chip">{n}</span>) : <span className="muted">none</span>}</dd>
            </div>
            <div><dt>Serial</dt><dd className="mono break">{c.serial}</dd></div>
            <div><dt>Valid from</dt><dd>{formatDateTime(c.not_before)}</dd></div>
            <div><dt>Valid until</dt><dd>{formatDateTime(c.not_after)} ({lifeText(c.days_left)})</dd></div>
            <div><dt>Key</dt><dd>{keyText(c)}</dd></div>
            <div><dt>Signature</dt><dd>{c.signature_algorithm || '—'}</dd></div>
            <div><dt>Certificate authority</dt><dd>{c.is_ca ? (f.self_signed ? 'Yes, a self-signed root' : 'Yes, an intermediate') : 'No'}</dd></div>
            {f.ext_key_usage.length ? <div><dt>Used for</dt><dd>{f.ext_key_usage.map(usageText).join(', ')}</dd></div> : null}
            <div><dt>First seen</dt><dd>{formatDateTime(c.first_seen)}</dd></div>
            <div><dt>Last seen</dt><dd>{formatDateTime(c.last_seen)} ({formatRelative(c.last_seen)})</dd></div>
          </dl>
        </section>
        <section className="card" aria-labelledby="rev-h">
          <h2 id="rev-h" className="section-title">Revocation</h2>
          <RevocationFacts revocation={c.revocation} selfSigned={f.self_signed} />
        </section>
      </div>
      <section className="card" aria-labelledby="fp-h">
        <h2 id="fp-h" className="section-title">Fingerprints</h2>
        <dl className="facts">
          <div><dt>SHA-256</dt><dd className="mono break">{c.sha256}</dd></div>
          <div><dt>SHA-1</dt><dd className="mono break">{f.sha1}</dd></div>
          <div><dt>Public key SHA-256</dt><dd className="mono break">{f.spki_sha256}</dd></div>
        </dl>
      </section>
      <ServedBy c={c} />
      <ChainList c={c} />
      <CertificateHistory c={c} />
    </>
  );
}

const positionText = (p: number) => (p === 0 ? 'Leaf' : `Intermediate (position ${p + 1})`);

function ServedBy({ c }: { c: Detail }) {
  return (
    <section className="card card-flush" aria-labelledby="served-h">
      <h2 id="served-h" className="section-title card-pad">Served by</h2>
      {c.served_by.length === 0 ? (
        <p className="muted card-pad">No domain of your organization serves it now.</p>
      ) : (
        <TableScroll>
          <table className="table">
            <caption className="sr-only">Domains serving this certificate</caption>
            <thead>
              <tr><th scope="col">Endpoint</th><th scope="col">Protocol</th><th scope="col">Place in the chain</th></tr>
            </thead>
            <tbody>
              {naturalSortBy(c.served_by, (s) => s.host, (a, b) => a.port - b.port || a.position - b.position).map((s) => (
                <tr key={`${s.domain_id}-${s.position}`}>
                  <td><Link to={`/domains/${s.domain_id}`}>{s.host}:{s.port}</Link></td>
                  <td>{s.protocol}</td>
                  <td>{positionText(s.position)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function ChainList({ c }: { c: Detail }) {
  const first = c.served_by[0];
  return (
    <section className="card" aria-labelledby="chain-h">
      <h2 id="chain-h" className="section-title">Chain</h2>
      {c.chain.length === 0 || !first ? (
        <p className="muted">Not served now: no chain to show.</p>
      ) : (
        <>
          <p className="muted">As {first.host}:{first.port} serves it, leaf first.</p>
          <ol className="chain-list">
            {c.chain.map((l) => (
              <li key={l.position}>
                {l.sha256 === c.sha256 ? (
                  <strong aria-current="true">{commonName(l.subject)} (this certificate)</strong>
                ) : (
                  <Link to={`/certificates/${l.sha256}`}>{commonName(l.subject)}</Link>
                )}
                <span className="muted"> · issued by {commonName(l.issuer)} · expires {formatDate(l.not_after)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
