import { formatDate } from '@/lib/format';
import type { Problem, RenewalWindow } from '../types';

/** Each problem in plain words. */
export const problemLabel: Record<Problem, string> = {
  expired: 'Expired',
  revoked: 'Revoked',
  not_yet_valid: 'Not yet valid',
  untrusted: 'Untrusted chain',
  hostname_mismatch: 'Wrong host name',
  weak_crypto: 'Weak crypto',
  renewal_overdue: 'Renewal overdue',
  expiring: 'Expiring soon',
  unreachable: 'Unreachable',
};

/**
 * Why a domain is not ok: every problem, or nothing when the status says it
 * all (ok, or unreachable with nothing else to add).
 */
export function ProblemList({ problems }: { problems: Problem[] | undefined }) {
  if (!problems?.length || (problems.length === 1 && problems[0] === 'unreachable')) return null;
  return (
    <ul className="problem-list" aria-label="Problems">
      {problems.map((p) => (
        <li key={p} className={`chip chip-problem chip-problem-${p}`}>{problemLabel[p] ?? p}</li>
      ))}
    </ul>
  );
}

/** "Renewal expected from … to …", and who said so. */
export function windowText(w: RenewalWindow | null | undefined): string | null {
  if (!w) return null;
  const by = w.source === 'ari' ? 'suggested by the CA' : 'estimated from the lifetime';
  return `Renewal expected from ${formatDate(w.start)} to ${formatDate(w.end)} (${by})`;
}
