import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Notice } from '@/components/ui/notice';
import { OnceNotice, SecretValue } from '@/components/ui/secret';
import { downloadText } from '@/lib/download';
import { BINARY_LINE, DOCKER_LINE, environmentFile } from './setup';

type Props = {
  agentName: string;
  agentToken: string;
  serverUrl: string;
  /** Creates an API token of scope agent and answers its secret. */
  createApiKey: () => Promise<string>;
  onDone: () => void;
};

/** Everything needed to run a new agent, shown once right after creating it. */
export function AgentSetupPanel({ agentName, agentToken, serverUrl, createApiKey, onDone }: Props) {
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const env = environmentFile(serverUrl, agentToken, apiKey);

  const makeKey = async () => {
    setBusy(true);
    setError(null);
    try {
      setApiKey(await createApiKey());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card setup-panel" aria-labelledby="setup-h" data-testid="agent-setup">
      <h2 id="setup-h" className="section-title">Run “{agentName}”</h2>
      <OnceNotice>Copy these secrets now: Certinel stores only their hashes and cannot show them again.</OnceNotice>

      <ol className="steps">
        <li>
          <h3>Agent token</h3>
          <p className="muted">Identifies this agent.</p>
          <SecretValue label="Agent token" value={agentToken} copyLabel="Copy agent token" />
        </li>
        <li>
          <h3>API token of scope “agent”</h3>
          <p className="muted">
            Authenticates the agent's requests; it can only pull targets and push results. One token may serve several agents.
          </p>
          {apiKey ? (
            <SecretValue label="API token" value={apiKey} copyLabel="Copy API token" />
          ) : (
            <>
              <Button variant="primary" onClick={makeKey} loading={busy}>
                Create an API token for this agent
              </Button>
              <p className="muted small">Or use an existing agent-scope token from API tokens.</p>
            </>
          )}
          {error ? <Notice tone="error" title="Could not create the API token.">{error}</Notice> : null}
        </li>
        <li>
          <h3>environment.txt</h3>
          <pre className="code-block" aria-label="environment.txt contents" data-testid="env-file">{env}</pre>
          <div className="button-row">
            <Button onClick={() => downloadText('environment.txt', env)} variant={apiKey ? 'primary' : 'secondary'}>
              Download environment.txt
            </Button>
            <CopyButton value={env} label="Copy contents" />
          </div>
        </li>
        <li>
          <h3>Start the agent</h3>
          <p className="muted">With Docker:</p>
          <div className="command">
            <code>{DOCKER_LINE}</code>
            <CopyButton value={DOCKER_LINE} />
          </div>
          <p className="muted">Or the single binary (Linux, macOS, Windows):</p>
          <div className="command">
            <code>{BINARY_LINE}</code>
            <CopyButton value={BINARY_LINE} />
          </div>
          <p className="muted small">
            It checks in right away, then every 4 hours. Assign domains to it from the Domains page.
          </p>
        </li>
      </ol>
      <div className="form-actions">
        <Button onClick={onDone}>I have saved these, close</Button>
      </div>
    </section>
  );
}
