import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '@/lib/api-client';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { DomainForm } from './domain-form';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

const agents = [{ id: 'ag-1', name: 'office-lan' }, { id: 'ag-2', name: 'dc1' }];

const errorOf = (input: HTMLElement) => {
  const id = input.getAttribute('aria-describedby');
  return id ? document.getElementById(id.split(' ')[0]!)?.textContent : null;
};

describe('DomainForm', () => {
  it('validates before sending', async () => {
    const calls = mockFetch(() => ({ status: 201, body: {} }));
    renderWithProviders(<DomainForm agents={agents} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Port'), '70000');
    await user.click(screen.getByRole('button', { name: 'Add domain' }));
    expect(await screen.findByText('Enter a host name or IP address')).toBeInTheDocument();
    expect(errorOf(screen.getByLabelText('Port'))).toBe('Port must be between 1 and 65535');
    expect(screen.getByLabelText('Host')).toHaveAttribute('aria-invalid', 'true');
    await user.type(screen.getByLabelText('Host'), 'https://x.example');
    await user.click(screen.getByRole('button', { name: 'Add domain' }));
    expect(await screen.findByText('Enter the host only, without https://')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('shows API field errors next to the fields they name', async () => {
    mockFetch(() => ({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'host: not a valid host name',
          field: 'host',
          details: [
            { field: 'host', message: 'not a valid host name' },
            { field: 'agent_id', message: 'no such agent' },
          ],
        },
      },
    }));
    renderWithProviders(<DomainForm agents={agents} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Host'), 'bad..host');
    await user.click(screen.getByRole('button', { name: 'Add domain' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Host'))).toBe('Not a valid host name'));
    expect(errorOf(screen.getByLabelText('Checked by'))).toBe('No such agent');
  });

  it('puts an error without a field above the button', async () => {
    mockFetch(() => ({ status: 429, body: { error: { code: 'rate_limited', message: 'too many attempts, try again later' } } }));
    renderWithProviders(<DomainForm agents={agents} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Host'), 'a.example');
    await user.click(screen.getByRole('button', { name: 'Add domain' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('too many attempts');
  });

  it('sends the protocol, agent and tags, with the CSRF token, and leaves the default port to the server', async () => {
    setCsrfToken('csrf-1');
    const calls = mockFetch((r) => ({ status: 201, body: { id: 'd1', host: (r.body as { host: string }).host } }));
    const onCreated = vi.fn();
    renderWithProviders(<DomainForm agents={agents} onCreated={onCreated} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Host'), ' mail.example.com ');
    await user.selectOptions(screen.getByLabelText('Protocol'), 'smtp');
    expect(screen.getByLabelText('Port')).toHaveAttribute('placeholder', '25');
    await user.selectOptions(screen.getByLabelText('Checked by'), 'ag-2');
    await user.type(screen.getByLabelText('Tags (optional)'), 'mail, prod');
    await user.click(screen.getByRole('button', { name: 'Add domain' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls[0]!.body).toEqual({ host: 'mail.example.com', protocol: 'smtp', agent_id: 'ag-2', tags: ['mail', 'prod'] });
    expect(calls[0]!.headers.get('X-CSRF-Token')).toBe('csrf-1');
    expect(screen.getByLabelText('Host')).toHaveValue('');
  });
});
