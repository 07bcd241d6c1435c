import { useId, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useFocusTrap } from '@/components/ui/focus-trap';
import { OnceNotice, SecretValue } from '@/components/ui/secret';
import { useRotateAgentToken, type RotationMode } from '../api/rotate-token';
import type { Agent } from '../types';

/**
 * Rotating an agent's token without deleting it. Graceful: the connected agent
 * fetches and keeps a new token itself; the old one works until it has. Revoke:
 * the old token stops at once and the new one is shown here, once.
 */
export function RotateTokenDialog({ agent, onClose }: { agent: Agent; onClose: () => void }) {
  const id = useId();
  const [mode, setMode] = useState<RotationMode>('graceful');
  const rotate = useRotateAgentToken();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  useFocusTrap(boxRef, true, { initialFocus: cancelRef, onEscape: onClose });
  const done = rotate.data;
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={boxRef} tabIndex={-1} className="modal" role="dialog" aria-modal="true" aria-labelledby={`${id}-t`}>
        <h2 id={`${id}-t`} className="modal-title">Rotate the token of “{agent.name}”</h2>
        <div className="modal-body">
          {done?.token ? (
            <>
              <OnceNotice>The old token no longer works. Put this one on the agent now: it is not shown again.</OnceNotice>
              <SecretValue label="New agent token" value={done.token} copyLabel="Copy new agent token" />
              <p className="muted small">
                Set it as CERTINEL_AGENT_TOKEN in the agent's env file, delete <code>agent-token</code> from its spool directory if there is one,
                and restart the agent.
              </p>
            </>
          ) : done ? (
            <p role="status">
              Rotation requested. A connected agent fetches its new token within seconds and keeps it; its old token works until then. The
              agents list shows “rotation pending” until it has switched.
            </p>
          ) : (
            <fieldset className="choices">
              <legend className="sr-only">How to rotate</legend>
              <label>
                <input type="radio" name={`${id}-mode`} value="graceful" checked={mode === 'graceful'} onChange={() => setMode('graceful')} />{' '}
                <strong>Graceful</strong> — the agent fetches a new token through its control channel and switches to it; the old token works until
                then. Nothing to do on the agent's host. Needs the agent connected.
              </label>
              <label>
                <input type="radio" name={`${id}-mode`} value="revoke" checked={mode === 'revoke'} onChange={() => setMode('revoke')} />{' '}
                <strong>Revoke now</strong> — the old token stops working at once (say, it leaked). You get the new token here, once, and put it on
                the agent by hand.
              </label>
            </fieldset>
          )}
        </div>
        {rotate.error ? <p className="field-error" role="alert">{rotate.error.message}</p> : null}
        <div className="modal-actions">
          {done ? (
            <Button variant="primary" onClick={onClose}>Done</Button>
          ) : (
            <>
              <Button ref={cancelRef} onClick={onClose} disabled={rotate.isPending}>Cancel</Button>
              <Button variant={mode === 'revoke' ? 'danger' : 'primary'} loading={rotate.isPending} onClick={() => rotate.mutate({ id: agent.id, mode })}>
                {mode === 'revoke' ? 'Revoke and make a new token' : 'Rotate token'}
              </Button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
