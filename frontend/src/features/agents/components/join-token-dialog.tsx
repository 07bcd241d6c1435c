import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Modal } from '@/components/ui/dialog';
import { OnceNotice, SecretValue } from '@/components/ui/secret';
import { formatDateTime } from '@/lib/format';
import { useCreateJoinToken } from '../api/create-join-token';
import type { Agent, JoinToken } from '../types';
import { enrollCommand, serverPinCommand } from './join-token';

/** The "Create join token" action: one click makes the token, the dialog shows it once. */
export function CreateJoinToken({ agent, serverUrl }: { agent: Agent; serverUrl: string }) {
  const create = useCreateJoinToken();
  return (
    <>
      <Button variant="primary" loading={create.isPending} onClick={() => create.mutate(agent.id)}>
        Create join token
      </Button>
      {create.error ? <p className="field-error" role="alert">Could not create a join token: {create.error.message}</p> : null}
      {create.data ? <JoinTokenDialog agentName={agent.name} serverUrl={serverUrl} token={create.data} onClose={() => create.reset()} /> : null}
    </>
  );
}

export function JoinTokenDialog({ agentName, serverUrl, token, onClose }: { agentName: string; serverUrl: string; token: JoinToken; onClose: () => void }) {
  const doneRef = useRef<HTMLButtonElement>(null);
  const command = enrollCommand(serverUrl, token.token);
  const pin = serverPinCommand(serverUrl);
  return (
    <Modal
      title={`Join token for “${agentName}”`}
      initialFocus={doneRef}
      onClose={onClose}
      actions={
        <div className="modal-actions">
          <Button ref={doneRef} variant="primary" onClick={onClose}>Done</Button>
        </div>
      }
    >
      <OnceNotice>Copy the command now: the token is not shown again.</OnceNotice>
      <p>
        Valid for 1 hour, single use (until {formatDateTime(token.expires_at)}). Run this on the agent's host, as the user the agent runs
        as (add <code>--env-file</code> when it reads one), then restart the agent:
      </p>
      <SecretValue label="Enroll command" value={command} copyLabel="Copy command" />
      <p className="muted small">
        The agent makes its own key, which never leaves the host, and gets a client certificate with it. From then on it authenticates with
        that certificate alone and renews it by itself.
      </p>
      <details>
        <summary>Pin this server's key (--server-pin)</summary>
        <p className="muted small">
          With <code>--server-pin sha256:&lt;hex&gt;</code> the agent talks only to a server presenting that public key, on top of the usual
          certificate checks. This prints the pin of the server as seen from where you run it (run it on the agent's host, or from a network
          you trust):
        </p>
        <pre className="code-block" aria-label="Server pin command">{pin}</pre>
        <CopyButton value={pin} label="Copy pin command" />
      </details>
    </Modal>
  );
}
