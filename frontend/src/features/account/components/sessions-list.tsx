import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useAccountSessions, useEndOtherSessions, useEndSession, type AccountSession } from '../api/sessions';
import { describeBrowser } from './describe-browser';

/** Each of the user's sessions, with sign-out of one or of all others. */
export function SessionsList() {
  const sessions = useAccountSessions();
  const endOne = useEndSession();
  const endOthers = useEndOtherSessions();
  if (sessions.isPending) return <Spinner />;
  if (sessions.isError) return <Notice tone="error">{sessions.error.message}</Notice>;
  const items = sessions.data.items;
  const others = items.filter((s) => !s.current).length;
  return (
    <>
      <ul className="session-list" aria-label="Sessions">
        {items.map((s: AccountSession) => (
          <li key={s.id} className="session-item">
            <div>
              <strong>{describeBrowser(s.user_agent)}</strong>
              {s.current ? <> <Badge tone="info">This browser</Badge></> : null}
              <div className="muted">
                {s.ip || 'unknown address'} · signed in {formatDateTime(s.created_at)} · last active {formatRelative(s.last_used_at ?? s.created_at)}
              </div>
            </div>
            {s.current ? null : (
              <Button size="sm" variant="danger" aria-label={`Sign out ${describeBrowser(s.user_agent)} (${s.ip})`}
                loading={endOne.isPending && endOne.variables === s.id} onClick={() => endOne.mutate(s.id)}>
                Sign out
              </Button>
            )}
          </li>
        ))}
      </ul>
      {endOne.isError ? <Notice tone="error">{endOne.error.message}</Notice> : null}
      {endOthers.isSuccess ? <Notice tone="success">Signed out of {endOthers.data.ended === 1 ? '1 other session' : `${endOthers.data.ended} other sessions`}.</Notice> : null}
      {others > 0 ? (
        <div><Button variant="danger" loading={endOthers.isPending} onClick={() => endOthers.mutate()}>Sign out all other sessions</Button></div>
      ) : (
        <p className="muted">This is your only session.</p>
      )}
    </>
  );
}
