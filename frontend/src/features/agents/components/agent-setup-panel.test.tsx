import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import type { AgentDownload, AgentDownloads } from '../types';
import { AgentSetupPanel } from './agent-setup-panel';

const file = (name: string, os: string, arch: string, kind: AgentDownload['kind'] = 'binary'): AgentDownload => ({
  name, os, arch, kind, size: 7_000_000, sha256: `${name.length.toString(16).padStart(2, '0')}${'ab'.repeat(31)}`,
  url: `/downloads/agent/${name}`, modified_at: '2026-11-29T10:00:00Z',
});

const downloads = (files: AgentDownload[]): AgentDownloads => ({
  available: files.length > 0, version: 'v1.4.0', server_url: null, sha256sums_url: '/downloads/agent/SHA256SUMS', files,
  ...(files.length === 0 ? { hint: 'This server was built without the agent binaries.' } : {}),
});

const credentials = { serverUrl: 'https://certinel.example', agentToken: 'cnl_agt_TOKEN', apiKey: 'cnl_api_KEY' };

describe('AgentSetupPanel', () => {
  it('shows both secrets, the env file and an install command per platform the server has', async () => {
    const user = userEvent.setup();
    const linux = file('certinel-agent-linux-amd64', 'linux', 'amd64');
    const win = file('certinel-agent-windows-amd64.exe', 'windows', 'amd64');
    renderWithProviders(<AgentSetupPanel agentName="office" credentials={credentials} downloads={downloads([linux, win])} onDone={vi.fn()} />);

    expect(screen.getByLabelText('Agent token')).toHaveTextContent('cnl_agt_TOKEN');
    expect(screen.getByLabelText('API token')).toHaveTextContent('cnl_api_KEY');
    const env = screen.getByTestId('env-file');
    expect(env).toHaveTextContent('CERTINEL_SERVER_URL=https://certinel.example');
    expect(env).toHaveTextContent('CERTINEL_AGENT_TOKEN=cnl_agt_TOKEN');
    expect(env).toHaveTextContent('CERTINEL_API_KEY=cnl_api_KEY');

    const platform = screen.getByLabelText('Platform');
    const offered = within(platform).getAllByRole('option').map((o) => o.textContent);
    expect(offered).toEqual(['Linux x86-64', 'Windows x86-64', 'Docker']);

    const cmd = screen.getByTestId('install-command').textContent ?? '';
    expect(cmd).toContain("curl -fsSL -o certinel-agent-linux-amd64 'https://certinel.example/downloads/agent/certinel-agent-linux-amd64'");
    expect(cmd).toContain(`echo '${linux.sha256}  certinel-agent-linux-amd64' | sha256sum -c -`);
    expect(cmd).toContain("umask 077 && cat > /etc/certinel/agent.env");
    expect(cmd).toContain('CERTINEL_AGENT_TOKEN=cnl_agt_TOKEN');
    expect(cmd).toContain('CERTINEL_API_KEY=cnl_api_KEY');
    expect(cmd).toContain('sudo /usr/local/bin/certinel-agent service install --env-file /etc/certinel/agent.env');
    expect(cmd).not.toContain('certinel/agent ');

    await user.selectOptions(platform, 'windows-amd64');
    const ps = screen.getByTestId('install-command').textContent ?? '';
    expect(ps).toContain(`(Get-FileHash -Algorithm SHA256 $exe).Hash -ne '${win.sha256}'`);
    expect(ps).toContain("& $exe service install --env-file $envFile");

    await user.selectOptions(platform, 'docker');
    const docker = screen.getByTestId('install-command').textContent ?? '';
    expect(docker).toContain('docker build -f Dockerfile.agent -t certinel-agent .');
    expect(docker).not.toMatch(/certinel\/agent\b/);
  });

  it('says how to build the agents when the server has none, offering Docker only', () => {
    renderWithProviders(<AgentSetupPanel agentName="a" credentials={credentials} downloads={downloads([])} onDone={vi.fn()} />);
    expect(screen.getByText('This server has no agent binaries to download.')).toBeInTheDocument();
    expect(screen.getByText('make agent-dist')).toBeInTheDocument();
    expect(within(screen.getByLabelText('Platform')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Docker']);
    expect(screen.queryByText(/curl/)).not.toBeInTheDocument();
  });
});
