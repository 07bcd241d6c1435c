import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '@/lib/api-client';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { SMTPRelay } from '../api/smtp-relay';
import { SMTPRelaySection } from './smtp-relay-form';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

const none: SMTPRelay = { configured: false, host: '', port: 0, tls: '', username: '', has_password: false, from: '', server_relay: false };
const stored: SMTPRelay = {
  configured: true, host: 'smtp.example.com', port: 587, tls: 'starttls', username: 'acme', has_password: true,
  from: 'alerts@example.com', updated_at: '2026-01-01T00:00:00Z', server_relay: false,
};

describe('SMTPRelaySection', () => {
  it('says that credentials are not sent without TLS, except to localhost', async () => {
    mockFetch(() => ({ status: 200, body: none }));
    renderWithProviders(<SMTPRelaySection />);
    const user = userEvent.setup();
    const warning = /the username and password are never sent, except to localhost/;
    await user.type(await screen.findByLabelText('Host'), 'smtp.example.com');
    await user.type(screen.getByLabelText('Username'), 'acme');
    expect(screen.queryByText(warning)).not.toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('TLS'), 'none');
    expect(screen.getByText(warning)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Host'));
    await user.type(screen.getByLabelText('Host'), 'localhost');
    expect(screen.queryByText(warning)).not.toBeInTheDocument();
  });

  it('checks the form, then sets a relay and shows the field errors the server answers', async () => {
    setCsrfToken('csrf-1');
    let puts = 0;
    const calls = mockFetch((r) => {
      if (r.method === 'PUT') {
        puts++;
        if (puts === 1) {
          return { status: 400, body: { error: { code: 'validation_failed', message: 'host: SMTP host "a b" is not a host name or IP address', field: 'host',
            details: [{ field: 'host', message: 'SMTP host "a b" is not a host name or IP address' }] } } };
        }
        return { status: 200, body: { ...stored, has_password: true } };
      }
      return { status: 200, body: none };
    });
    renderWithProviders(<SMTPRelaySection />);
    const user = userEvent.setup();
    expect(await screen.findByText(/The server has no relay of its own/)).toBeInTheDocument();
    expect(screen.getByText(/CERTINEL_ALLOW_PRIVATE_TARGETS/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Send test' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Save relay' }));
    expect(await screen.findByText('Enter the relay’s host name or IP address')).toBeInTheDocument();
    expect(screen.getByText('Enter an address such as alerts@example.com')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    await user.type(screen.getByLabelText('Host'), 'a b');
    await user.type(screen.getByLabelText('From address'), 'Certinel <alerts@example.com>');
    await user.type(screen.getByLabelText('Username'), 'acme');
    await user.type(screen.getByLabelText('Password'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Save relay' }));
    expect(await screen.findByText('SMTP host "a b" is not a host name or IP address')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Host'));
    await user.type(screen.getByLabelText('Host'), 'smtp.example.com');
    await user.click(screen.getByRole('button', { name: 'Save relay' }));
    await waitFor(() => expect(puts).toBe(2));
    const put = calls.filter((c) => c.method === 'PUT')[1]!;
    expect(put.url.pathname).toBe('/api/v1/organization/smtp-relay');
    expect(put.body).toEqual({ host: 'smtp.example.com', port: 0, tls: 'starttls', username: 'acme', password: 's3cret', clear_password: false,
      from: 'Certinel <alerts@example.com>' });
  });

  it('keeps a stored password unless replaced or removed, and sends a test with its outcome', async () => {
    setCsrfToken('csrf-1');
    const calls = mockFetch((r) => {
      if (r.method === 'PUT') return { status: 200, body: stored };
      if (r.method === 'POST') {
        return { status: 200, body: { ok: false, to: 'me@example.com', duration_ms: 12, error: 'The relay refused the username or password. (535 5.7.8 bad credentials)' } };
      }
      return { status: 200, body: stored };
    });
    renderWithProviders(<SMTPRelaySection />);
    const user = userEvent.setup();
    const password = await screen.findByLabelText('Password');
    expect(password).toHaveValue('');
    expect(password).toHaveAttribute('placeholder', 'Stored — leave empty to keep');
    expect(screen.getByLabelText('Host')).toHaveValue('smtp.example.com');

    await user.click(screen.getByRole('button', { name: 'Save relay' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')!.body).toMatchObject({ password: '', clear_password: false, port: 587 });

    await user.click(screen.getByLabelText('Remove the stored password'));
    expect(screen.getByLabelText('Password')).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Save relay' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'PUT')[1]!.body).toMatchObject({ password: '', clear_password: true });

    await user.type(screen.getByLabelText('Send a test to'), 'me@example.com');
    await user.click(screen.getByRole('button', { name: 'Send test' }));
    expect(await screen.findByText(/refused the username or password/)).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url.pathname).toBe('/api/v1/organization/smtp-relay/test');
    expect(post.body).toEqual({ to: 'me@example.com' });
  });
});
