import { formatDate, formatDateTime, formatRelative } from '@/lib/format';
import { reasonText, revocationLabel, sourceWords, type Revocation } from '@/lib/revocation';

const whereText = (r: Revocation) => {
  if (!r.source) return 'no CRL or OCSP responder answered';
  const what = r.source === 'ocsp' ? 'OCSP responder' : sourceWords.crl;
  return r.url ? `${what} at ${r.url}` : what;
};

/** A certificate's revocation status, each fact in words. */
export function RevocationFacts({ revocation: r, selfSigned }: { revocation: Revocation | null; selfSigned: boolean }) {
  if (!r) {
    return (
      <p className="muted" data-testid="revocation-status">
        {selfSigned
          ? 'Not checked: a self-signed root cannot be revoked by anyone above it.'
          : 'Not checked yet: the server checks every certificate a domain serves within minutes of seeing it.'}
      </p>
    );
  }
  return (
    <dl className="facts">
      <div>
        <dt>Status</dt>
        <dd className={r.state === 'revoked' ? 'danger-text' : undefined} data-testid="revocation-status">
          {r.state === 'revoked'
            ? `Revoked on ${formatDateTime(r.revoked_at)}${r.reason ? ` for ${reasonText(r.reason)}` : ''}`
            : r.state === 'unavailable'
              ? `Unavailable: ${r.error || 'no answer'}`
              : revocationLabel[r.state]}
        </dd>
      </div>
      <div><dt>Checked</dt><dd>{r.checked_at ? `${formatDateTime(r.checked_at)} (${formatRelative(r.checked_at)})` : 'never'}</dd></div>
      <div><dt>Answered by</dt><dd className="break">{whereText(r)}</dd></div>
      {r.this_update ? <div><dt>Answer issued</dt><dd>{formatDateTime(r.this_update)}</dd></div> : null}
      {r.next_update ? <div><dt>Answer valid until</dt><dd>{formatDateTime(r.next_update)}</dd></div> : null}
      <div><dt>Next check</dt><dd>{formatRelative(r.next_check_at)} ({formatDate(r.next_check_at)})</dd></div>
    </dl>
  );
}
