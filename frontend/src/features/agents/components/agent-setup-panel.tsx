import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { SelectField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { OnceNotice, SecretValue } from '@/components/ui/secret';
import { Spinner } from '@/components/ui/spinner';
import type { AgentDownloads } from '../types';
import { environmentFile, installOptions, type AgentCredentials } from './setup';

type Props = {
  agentName: string;
  credentials: AgentCredentials;
  /** What the server offers for download; undefined while loading. */
  downloads: AgentDownloads | undefined;
  downloadsError?: string | null;
  onDone: () => void;
};

/** Everything needed to run a new agent, shown once right after creating it and its API token. */
export function AgentSetupPanel({ agentName, credentials, downloads, downloadsError, onDone }: Props) {
  const env = environmentFile(credentials);
  return (
    <section className="card setup-panel" aria-labelledby="setup-h" data-testid="agent-setup">
      <h2 id="setup-h" className="section-title">Run “{agentName}”</h2>
      <OnceNotice>
        The commands below hold the agent's secrets. Copy them now: Certinel stores only their hashes and cannot show them again.
      </OnceNotice>

      <ol className="steps">
        <li>
          <h3>Install and start the agent</h3>
          <InstallCommands credentials={credentials} downloads={downloads} error={downloadsError} />
        </li>
        <li>
          <h3>Or set it up by hand</h3>
          <p className="muted">
            The agent token identifies this agent; the API token (scope “agent”, named “{agentName}”) authenticates its requests and can
            only pull targets and push results.
          </p>
          <SecretValue label="Agent token" value={credentials.agentToken} copyLabel="Copy agent token" />
          <SecretValue label="API token" value={credentials.apiKey} copyLabel="Copy API token" />
          <p className="muted">
            The env file (mode 0600), for <code>certinel-agent service install --env-file PATH</code> or <code>certinel-agent run --env-file PATH</code>:
          </p>
          <pre className="code-block" aria-label="agent.env contents" data-testid="env-file">{env}</pre>
          <CopyButton value={env} label="Copy env file" />
        </li>
      </ol>
      <p className="muted small">It checks in right away and keeps a channel open, so domains you assign to it are checked within seconds.</p>
      <div className="form-actions">
        <Button onClick={onDone}>I have saved these, close</Button>
      </div>
    </section>
  );
}

function InstallCommands({ credentials, downloads, error }: { credentials: AgentCredentials; downloads: AgentDownloads | undefined; error?: string | null }) {
  const options = installOptions(downloads?.available ? downloads.files : [], credentials);
  const [chosen, setChosen] = useState(options[0]?.id ?? 'docker');
  if (error) return <Notice tone="error" title="Could not ask the server which agent builds it has.">{error}</Notice>;
  if (!downloads) return <Spinner label="Loading the agent downloads" />;
  const option = options.find((o) => o.id === chosen) ?? options[0];
  if (!option) return null; // never: Docker is always offered
  return (
    <>
      {downloads.available ? (
        <p className="muted">
          Agent {downloads.version}, downloaded from this server and checked against its SHA-256 before it is installed.
        </p>
      ) : (
        <Notice tone="warning" title="This server has no agent binaries to download.">
          {downloads.hint} Run <code>make agent-dist</code> where the server was built, then reload this page. Meanwhile Docker (from the
          sources) works.
        </Notice>
      )}
      <SelectField label="Platform" value={option.id} onChange={(e) => setChosen(e.target.value)}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </SelectField>
      <p className="muted small">{option.note}</p>
      <pre className="code-block" aria-label={`Install command for ${option.label}`} data-testid="install-command">
        {option.command}
      </pre>
      <CopyButton value={option.command} label="Copy command" />
    </>
  );
}
