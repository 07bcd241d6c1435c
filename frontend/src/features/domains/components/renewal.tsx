import { formatDate } from '@/lib/format';
import { problemText } from '@/lib/wording';
import type { Problem, RenewalWindow } from '../types';

/**
 * Why a domain is not ok: every problem, or nothing when the status says it
 * all (ok, or unreachable with nothing else to add).
 */
export function ProblemList({ problems }: { problems: Problem[] | undefined }) {
  if (!problems?.length || (problems.length === 1 && problems[0] === 'unreachable')) return null;
  return (
    <ul className="problem-list" aria-label="Problems">
      {problems.map((p) => (
        <li key={p} className={`chip chip-problem chip-problem-${p}`}>{problemText(p)}</li>
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
