import { Badge } from '@/components/ui/badge';
import type { Tone } from '@/lib/days-left';
import { revocationLabel, revocationText, type Revocation } from '@/lib/revocation';

const tone: Record<Revocation['state'], Tone> = { good: 'good', revoked: 'critical', unknown: 'high', unavailable: 'warning', pending: 'unknown', waiting: 'unknown' };

/**
 * The revocation state in a word, the whole story in its tooltip. A
 * self-signed root (root) has no one above it to revoke it: never checked.
 */
export function RevocationBadge({ revocation, root = false }: { revocation: Revocation | null; root?: boolean }) {
  if (!revocation && root) {
    return <Badge tone="neutral" title="A self-signed root has no authority above it to revoke it, so it is not checked.">Not checked (root)</Badge>;
  }
  if (!revocation) {
    return <Badge tone="neutral" title="The server checks every certificate a domain serves soon after it is first seen.">{revocationLabel.unchecked}</Badge>;
  }
  return <Badge tone={tone[revocation.state]} title={revocationText(revocation)}>{revocationLabel[revocation.state]}</Badge>;
}
