import { Badge } from '@/components/ui/badge';

type Negotiated = { tls_version?: string; key_exchange?: string; post_quantum?: boolean };

/**
 * Two facts of a domain's facts list: the protocol version and key exchange group of the latest check, with a
 * badge when the group resists a quantum computer (a hybrid with ML-KEM).
 * Agents from before the group was recorded report none: shown as unknown.
 */
export function KeyExchangeFacts({ domain }: { domain: Negotiated }) {
  return (
    <>
      <div data-testid="tls-version">
        <dt>TLS version</dt>
        <dd>{domain.tls_version || <span className="muted">unknown</span>}</dd>
      </div>
      <div data-testid="key-exchange">
        <dt>Key exchange</dt>
        <dd>
          {domain.key_exchange ? <span className="mono">{domain.key_exchange}</span> : <span className="muted">unknown</span>}{' '}
          {domain.post_quantum ? (
            <Badge tone="good" title="The key exchange combines a classical group with ML-KEM, which a quantum computer is not known to break.">
              Post-quantum
            </Badge>
          ) : domain.key_exchange ? (
            <Badge tone="neutral" title="Traffic recorded today could be decrypted by a future quantum computer.">Classical</Badge>
          ) : null}
        </dd>
      </div>
    </>
  );
}
