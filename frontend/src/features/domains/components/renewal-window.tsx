import { Notice } from '@/components/ui/notice';
import { formatDate, formatDateTime } from '@/lib/format';
import { windowMovedEarlier, type RenewalInfo } from '../types';

/** The explanation link only if it is http(s): it comes from the CA. */
function safeLink(url: string | undefined) {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** The CA's suggested renewal window, as one row of the endpoint's facts. */
export function RenewalWindowFact({ info }: { info: RenewalInfo }) {
  const link = safeLink(info.explanation_url);
  return (
    <div>
      <dt>CA renewal window</dt>
      <dd data-testid="renewal-window">
        {info.window_start ? (
          <>
            {formatDate(info.window_start)} – {formatDate(info.window_end)}
            <span className="muted"> · asked {formatDateTime(info.fetched_at)}</span>
          </>
        ) : (
          <span className="muted">not answered yet · next try {formatDateTime(info.next_fetch_at)}</span>
        )}
        {link ? (
          <>
            {' · '}
            <a href={link} target="_blank" rel="noopener noreferrer">
              CA's explanation
            </a>
          </>
        ) : null}
        {info.last_error ? (
          <p className="field-error small">
            Asking {info.directory_url} failed: <code className="error-text">{info.last_error}</code>
          </p>
        ) : null}
      </dd>
    </div>
  );
}

/** An urgent notice when the CA moved its window earlier, as before a revocation. */
export function RenewalWindowNotice({ info }: { info: RenewalInfo }) {
  if (!windowMovedEarlier(info)) return null;
  const link = safeLink(info.explanation_url);
  return (
    <Notice tone="error" title="The CA asks for this certificate to be renewed now.">
      Its suggested renewal window moved earlier, to {formatDateTime(info.window_start)} (it was{' '}
      {formatDateTime(info.previous_start)}). CAs do this before revoking a certificate: replace it now.
      {link ? (
        <>
          {' '}
          <a href={link} target="_blank" rel="noopener noreferrer">
            Read the CA's explanation
          </a>
          .
        </>
      ) : null}
    </Notice>
  );
}
