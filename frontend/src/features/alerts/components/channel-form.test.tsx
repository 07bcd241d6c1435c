import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { ChannelForm, channelErrorField } from './channel-form';
import { TestOutcome } from './test-result';

afterEach(() => vi.unstubAllGlobals());

const errorOf = (input: HTMLElement) => {
  const id = input.getAttribute('aria-describedby');
  return id ? document.getElementById(id.split(' ')[0]!)?.textContent : null;
};

describe('ChannelForm', () => {
  it('creates an email channel from a recipient list', async () => {
    const calls = mockFetch((r) => ({ status: 201, body: { id: 'c1', ...(r.body as object) } }));
    const onSaved = vi.fn();
    renderWithProviders(<ChannelForm onSaved={onSaved} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    expect(await screen.findByText('Give the channel a name')).toBeInTheDocument();
    expect(screen.getByText('Add at least one email address')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Name'), 'On-call');
    await user.type(screen.getByLabelText('Recipients'), 'a@example.com, b@example.com');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(calls[0]!.body).toEqual({ type: 'email', name: 'On-call', digest: false, config: { recipients: ['a@example.com', 'b@example.com'] } });
  });

  it('switches to webhook fields and puts config errors next to the URL', async () => {
    mockFetch(() => ({
      status: 400,
      body: { error: { code: 'validation_failed', message: 'config: url: resolves to a private address', field: 'config', details: [{ field: 'config', message: 'url: resolves to a private address' }] } },
    }));
    renderWithProviders(<ChannelForm />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: /Webhook/ }));
    expect(screen.queryByLabelText('Recipients')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Name'), 'Hook');
    await user.type(screen.getByLabelText('URL'), 'https://10.0.0.1/hook');
    await user.selectOptions(screen.getByLabelText('Format'), 'slack');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('URL'))).toBe('Resolves to a private address'));
    expect(screen.getByLabelText('URL')).toHaveAttribute('aria-invalid', 'true');
  });

  it('keeps the stored secret when editing without typing a new one', async () => {
    const calls = mockFetch((r) => ({ status: 200, body: { id: 'c2', type: 'webhook', ...(r.body as object) } }));
    const channel = { id: 'c2', type: 'webhook', name: 'Hook', config: { url: 'https://h.example/x', format: 'json' as const }, has_secret: true, digest: false, created_at: '', updated_at: '' };
    renderWithProviders(<ChannelForm channel={channel} />);
    const user = userEvent.setup();
    expect(screen.getByRole('radio', { name: /Email/ })).toBeDisabled();
    expect(screen.getByLabelText('Signing secret (optional)')).toHaveAttribute('placeholder', 'Stored · leave empty to keep it');
    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'Hook 2');
    await user.click(screen.getByRole('button', { name: 'Save channel' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.method).toBe('PATCH');
    expect(calls[0]!.body).toEqual({ name: 'Hook 2', digest: false, config: { url: 'https://h.example/x', format: 'json' } });
  });

  it('maps config field paths to inputs', () => {
    expect(channelErrorField('config', 'recipients[1]: is not a valid email address')).toEqual({ field: 'recipients', message: 'recipients[1]: is not a valid email address' });
    expect(channelErrorField('config', 'secret: must be at most 256 characters')).toEqual({ field: 'secret', message: 'must be at most 256 characters' });
    expect(channelErrorField('config', 'config is not a valid webhook config')).toEqual({ field: null, message: 'config is not a valid webhook config' });
    expect(channelErrorField('name', 'must be 1 to 100 characters long').field).toBe('name');
  });

  it('shows a test outcome, failures with their reason', () => {
    const { rerender } = renderWithProviders(<TestOutcome result={{ ok: true, duration_ms: 42 }} />);
    expect(screen.getByRole('status')).toHaveTextContent('Test delivered in 42 ms.');
    rerender(<TestOutcome result={{ ok: false, error: 'HTTP 410 Gone', permanent: true, duration_ms: 7 }} />);
    expect(screen.getByRole('status')).toHaveTextContent('Test failed (permanent');
    expect(screen.getByRole('status')).toHaveTextContent('HTTP 410 Gone');
  });
});
