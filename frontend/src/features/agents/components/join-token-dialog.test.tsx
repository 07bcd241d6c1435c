import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { testAgent } from '../testing';
import { CreateJoinToken } from './join-token-dialog';
import { serverPinCommand } from './join-token';

afterEach(() => vi.unstubAllGlobals());

describe('CreateJoinToken', () => {
  it('creates a token on click and shows it once in a copyable enroll command', async () => {
    const user = userEvent.setup();
    const calls = mockFetch(() => ({
      status: 201,
      body: { agent_id: 'a1', prefix: 'cnl_join_AB', expires_at: '2026-11-29T13:00:00Z', created_at: '2026-11-29T12:00:00Z', token: 'cnl_join_SECRET' },
    }));
    renderWithProviders(<CreateJoinToken agent={testAgent()} serverUrl="https://certinel.example.com" />);
    await user.click(screen.getByRole('button', { name: 'Create join token' }));
    const dialog = await screen.findByRole('dialog', { name: 'Join token for “dc1”' });
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/api/v1/agents/a1/join-tokens');
    expect(within(dialog).getByLabelText('Enroll command')).toHaveTextContent(
      'certinel-agent enroll --server https://certinel.example.com --join-token cnl_join_SECRET',
    );
    expect(within(dialog).getByText(/Valid for 1 hour, single use/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy command' })).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Server pin command')).toHaveTextContent('openssl s_client -connect certinel.example.com:443');
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByText(/cnl_join_SECRET/)).not.toBeInTheDocument();
  });

  it('says why a token could not be made', async () => {
    const user = userEvent.setup();
    mockFetch(() => ({ status: 503, body: { error: { code: 'agent_pki_unavailable', message: 'this server has no agent CA' } } }));
    renderWithProviders(<CreateJoinToken agent={testAgent()} serverUrl="https://certinel.example.com" />);
    await user.click(screen.getByRole('button', { name: 'Create join token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not create a join token: this server has no agent CA');
  });
});

describe('serverPinCommand', () => {
  it('connects to the host and port of the server URL', () => {
    expect(serverPinCommand('https://c.example.com:8443')).toMatch(/^openssl s_client -connect c\.example\.com:8443 -servername c\.example\.com /);
    expect(serverPinCommand('https://c.example.com')).toContain('sed \'s/^.*= /sha256:/\'');
  });
});
