import { formatDateTime } from '@/lib/format';
import type { Sample } from '../types';
import { errorKindText } from '@/lib/wording';

/** A trusted chain; anything else was served but judged wrong. */
const trusted = (s: Sample) => s.trust_status === '' || s.trust_status === 'trusted' || s.trust_status === 'trusted_org_ca';

function describe(s: Sample): { tone: 'good' | 'warning' | 'critical'; text: string } {
  if (!s.ok) return { tone: 'critical', text: errorKindText(s.error_kind) };
  if (!trusted(s)) return { tone: 'warning', text: 'Served a certificate that is not trusted' };
  return { tone: 'good', text: 'Handshake succeeded' };
}

function span(s: Sample): string {
  const checks = s.checks === 1 ? '1 check' : `${s.checks} checks`;
  return s.checks > 1 ? `${checks}, ${formatDateTime(s.first_observed_at)} to ${formatDateTime(s.observed_at)}` : `${checks}, ${formatDateTime(s.observed_at)}`;
}

/**
 * The recent checks as an uptime strip, oldest on the left. The server
 * keeps one sample per run of identical checks, so each bead is a run,
 * wider the more checks it stands for.
 */
export function CheckStrip({ samples }: { samples: Sample[] }) {
  if (samples.length === 0) return <p className="muted">No check recorded yet.</p>;
  const runs = [...samples].reverse();
  const failed = runs.filter((s) => !s.ok).reduce((n, s) => n + s.checks, 0);
  const total = runs.reduce((n, s) => n + s.checks, 0);
  return (
    <figure className="check-strip-figure">
      <ol className="check-strip" aria-label="Recent checks, oldest first">
        {runs.map((s) => {
          const d = describe(s);
          return (
            <li key={`${s.first_observed_at}-${s.observed_at}`} className={`check-bead check-bead-${d.tone}`}
              style={{ flexGrow: Math.min(1 + Math.log2(s.checks), 6) }} title={`${d.text}: ${span(s)}`}>
              <span className="sr-only">{d.text}: {span(s)}</span>
            </li>
          );
        })}
      </ol>
      <figcaption className="muted small">
        {total} check{total === 1 ? '' : 's'} since {formatDateTime(runs[0]!.first_observed_at)}; {failed === 0 ? 'none failed' : `${failed} failed`}.
      </figcaption>
    </figure>
  );
}
