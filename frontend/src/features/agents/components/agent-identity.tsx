import { Badge } from '@/components/ui/badge';
import { daysLeftLabel } from '@/lib/days-left';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { Agent } from '../types';
import { certificateTone, daysUntil, hasCertificate } from './certificate';

/**
 * How the agent authenticates: by its client certificate once enrolled,
 * else by its two tokens, which an organization requiring client
 * certificates refuses.
 */
export function AuthenticationBadge({ agent, requireMTLS = false }: { agent: Agent; requireMTLS?: boolean }) {
  if (hasCertificate(agent)) {
    return (
      <Badge tone="good" title={`Serial ${agent.certificate_serial}, expires ${formatDateTime(agent.certificate_not_after)}`}>
        Client certificate
      </Badge>
    );
  }
  if (requireMTLS) {
    return (
      <Badge tone="critical" title="The organization requires client certificates: this agent is refused until it enrolls with a join token.">
        Token (refused)
      </Badge>
    );
  }
  return <Badge tone="neutral" title="The agent authenticates with its agent token and API token.">Token</Badge>;
}

/** Days left of the agent's current certificate, coloured by its lifetime. */
export function CertificateExpiry({ notAfter, issuedAt }: { notAfter: string; issuedAt: string | null }) {
  const tone = certificateTone(notAfter, issuedAt);
  const days = daysUntil(notAfter);
  return (
    <Badge tone={tone} title={`Expires ${formatDateTime(notAfter)}`}>
      {days > 0 ? `${daysLeftLabel(days)} left` : daysLeftLabel(days)}
    </Badge>
  );
}

/** The agent's current certificate: serial, expiry, last rotation, days left. */
export function CurrentCertificate({ agent, requireMTLS }: { agent: Agent; requireMTLS?: boolean }) {
  return (
    <dl className="facts" aria-label="Current certificate">
      <div>
        <dt>Authentication</dt>
        <dd><AuthenticationBadge agent={agent} requireMTLS={requireMTLS} /></dd>
      </div>
      {hasCertificate(agent) && agent.certificate_not_after ? (
        <>
          <div>
            <dt>Serial</dt>
            <dd className="mono">{agent.certificate_serial}</dd>
          </div>
          <div>
            <dt>Expires</dt>
            <dd>
              {formatDateTime(agent.certificate_not_after)}{' '}
              <CertificateExpiry notAfter={agent.certificate_not_after} issuedAt={agent.certificate_rotated_at} />
            </dd>
          </div>
          <div>
            <dt>Last rotation</dt>
            <dd title={formatDateTime(agent.certificate_rotated_at)}>{formatRelative(agent.certificate_rotated_at)}</dd>
          </div>
        </>
      ) : (
        <div>
          <dt>Certificate</dt>
          <dd className="muted">None: create a join token below and enroll the agent with it.</dd>
        </div>
      )}
    </dl>
  );
}
