import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { CreateTokenForm } from './create-token-form';
import { TokenCreatedPanel } from './token-created-panel';

afterEach(() => vi.unstubAllGlobals());

const created = {
  id: 't1', name: 'grafana', scope: 'read' as const, prefix: 'cnl_api_ab12', created_at: '2026-01-01T00:00:00Z',
  expires_at: null, last_used_at: null, revoked_at: null, token: 'cnl_api_ab12SECRETSECRETSECRET',
};

describe('TokenCreatedPanel', () => {
  it('shows the secret once, copies it, and closes', async () => {
    const user = userEvent.setup();
    const onDone = vi.fn();
    renderWithProviders(<TokenCreatedPanel token={created} onDone={onDone} />);
    expect(screen.getByText(/Shown once/)).toBeInTheDocument();
    expect(screen.getByLabelText('API token')).toHaveTextContent(created.token);
    await user.click(screen.getByRole('button', { name: 'Copy token' }));
    await expect(navigator.clipboard.readText()).resolves.toBe(created.token);
    expect(await screen.findByText('Copied')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(onDone).toHaveBeenCalledOnce();
  });
});

describe('CreateTokenForm', () => {
  it('creates a token of the chosen scope and expiry', async () => {
    const calls = mockFetch(() => ({ status: 201, body: created }));
    const onCreated = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<CreateTokenForm onCreated={onCreated} />);
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByText('Name the token after what will use it')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Name'), 'ci');
    await user.selectOptions(screen.getByLabelText('Scope'), 'write');
    await user.selectOptions(screen.getByLabelText('Expires'), '30');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    const body = calls[0]!.body as { name: string; scope: string; expires_at: string };
    expect(body.name).toBe('ci');
    expect(body.scope).toBe('write');
    const days = (new Date(body.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
  });

  it('shows an API error next to the field', async () => {
    mockFetch(() => ({ status: 400, body: { error: { code: 'validation_failed', message: 'expires_at: must be in the future', field: 'expires_at', details: [{ field: 'expires_at', message: 'must be in the future' }] } } }));
    const user = userEvent.setup();
    renderWithProviders(<CreateTokenForm onCreated={vi.fn()} />);
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByText('must be in the future')).toBeInTheDocument();
    expect(screen.getByLabelText('Expires')).toHaveAttribute('aria-invalid', 'true');
  });
});
