import { commonName, formatDate, formatDateTime, formatRelative, shortHash } from '@/lib/format';
import type { Change, ServedCertificate } from '../types';

/** Each switch from one certificate to another, newest first, as a vertical timeline. */
export function ChangesTimeline({ changes, history }: { changes: Change[]; history: ServedCertificate[] }) {
  const cert = new Map(history.map((h) => [h.sha256, h]));
  const sorted = [...changes].sort((a, b) => b.observed_at.localeCompare(a.observed_at));
  const describe = (sha: string) => {
    const c = cert.get(sha);
    return (
      <>
        <span className="mono" title={sha}>{shortHash(sha)}</span>
        {c ? <span className="muted"> · {commonName(c.subject)}, expires {formatDate(c.not_after)}</span> : null}
      </>
    );
  };
  return (
    <ol className="timeline" aria-label="Certificate changes, newest first">
      {sorted.map((c, i) => (
        <li key={`${c.observed_at}-${i}`} className="timeline-item">
          <span className="timeline-dot" aria-hidden="true" />
          <div>
            <div className="small muted" title={formatDateTime(c.observed_at)}>
              {formatDateTime(c.observed_at)} ({formatRelative(c.observed_at)})
            </div>
            {c.old_sha256 ? (
              <div>
                Changed from {describe(c.old_sha256)}
                <br />
                to {describe(c.new_sha256)}
              </div>
            ) : (
              <div>First certificate seen: {describe(c.new_sha256)}</div>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
