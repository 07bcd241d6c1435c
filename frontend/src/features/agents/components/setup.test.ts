import { describe, expect, it } from 'vitest';
import type { AgentDownload } from '../types';
import { agentServerUrl, installOptions } from './setup';

const f = (name: string, os: string, arch: string, kind: AgentDownload['kind']): AgentDownload => ({
  name, os, arch, kind, size: 1, sha256: 'c'.repeat(64), url: `/downloads/agent/${name}`, modified_at: '2026-11-29T10:00:00Z',
});
const creds = { serverUrl: 'https://c.example', agentToken: 't', apiKey: 'k' };

describe('installOptions', () => {
  it('offers each platform whose file the server has, in a fixed order, and Docker', () => {
    const files = [
      f('certinel-agent-1.0.0.x86_64.rpm', 'linux', 'amd64', 'rpm'),
      f('certinel-agent_1.0.0_arm64.deb', 'linux', 'arm64', 'deb'),
      f('certinel-agent-darwin-arm64', 'darwin', 'arm64', 'binary'),
      f('certinel-agent-linux-arm64', 'linux', 'arm64', 'binary'),
      f('notes.txt', '', '', 'other'),
    ];
    const opts = installOptions(files, creds);
    expect(opts.map((o) => o.id)).toEqual(['linux-arm64', 'darwin-arm64', 'deb-arm64', 'rpm-amd64', 'docker']);
    const mac = opts.find((o) => o.id === 'darwin-arm64')?.command ?? '';
    expect(mac).toContain("| shasum -a 256 -c -");
    const deb = opts.find((o) => o.id === 'deb-arm64')?.command ?? '';
    expect(deb).toContain('sudo apt-get install -y ./certinel-agent_1.0.0_arm64.deb');
    expect(opts.find((o) => o.id === 'rpm-amd64')?.command).toContain('sudo dnf install -y ./certinel-agent-1.0.0.x86_64.rpm');
    for (const o of opts.filter((x) => x.id !== 'docker')) {
      expect(o.command.startsWith('(\nset -e\n')).toBe(true); // a bad checksum stops the subshell, not the user's shell
    }
  });

  it('points agents at the configured public URL when there is one', () => {
    expect(agentServerUrl({ server_url: 'https://certinel.example.com/' }, 'http://localhost:8080')).toBe('https://certinel.example.com');
    expect(agentServerUrl({ server_url: null }, 'http://localhost:8080')).toBe('http://localhost:8080');
    expect(agentServerUrl(undefined, 'http://localhost:8080')).toBe('http://localhost:8080');
  });
});
