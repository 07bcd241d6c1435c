import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { channelErrorField } from '../channel-config';
import type { ChannelTypeDescription } from '../types';
import { ChannelForm } from './channel-form';
import { TestOutcome } from './test-result';

afterEach(() => vi.unstubAllGlobals());

const errorOf = (input: HTMLElement) => {
  const id = input.getAttribute('aria-describedby');
  return id ? document.getElementById(id.split(' ')[0]!)?.textContent : null;
};

// Shaped as the server describes its providers (notify.Description).
const TYPES: ChannelTypeDescription[] = [
  {
    type: 'pagerduty',
    label: 'PagerDuty',
    fields: [
      { name: 'routing_key', label: 'Integration key', kind: 'secret', required: true, placeholder: '32 characters', help: 'From an Events API V2 integration.' },
      { name: 'region', label: 'Service region', kind: 'select', required: false, options: ['us', 'eu'], default: 'us' },
    ],
  },
  {
    type: 'webhook',
    label: 'Webhook',
    fields: [
      { name: 'url', label: 'URL', kind: 'url', required: true },
      { name: 'secret', label: 'Signing secret', kind: 'secret', required: false },
      { name: 'format', label: 'Format', kind: 'select', required: false, options: ['json', 'slack'], default: 'json' },
    ],
  },
  { type: 'discord', label: 'Discord', fields: [{ name: 'url', label: 'Webhook URL', kind: 'secret', required: true }] },
  {
    type: 'email',
    label: 'Email',
    fields: [{ name: 'recipients', label: 'Recipients', kind: 'list', required: true }],
    unavailable: 'No SMTP relay is configured on this server.',
  },
];

type Reply = { status: number; body?: unknown };

/** Answers GET /channel-types with TYPES and hands every other request to save. */
function serve(save: (r: { method: string; body: unknown }) => Reply) {
  return mockFetch((r) => (r.url.pathname.endsWith('/channel-types') ? { status: 200, body: { total: TYPES.length, items: TYPES } } : save(r)));
}
const saves = <T extends { method: string }>(calls: T[]) => calls.filter((c) => c.method !== 'GET');

const invalid = (message: string): Reply => ({
  status: 422,
  body: { error: { code: 'validation_failed', message: `config: ${message}`, field: 'config', details: [{ field: 'config', message }] } },
});

describe('ChannelForm', () => {
  it('offers every described type, email and webhook first, the rest by label', async () => {
    serve(() => ({ status: 500 }));
    renderWithProviders(<ChannelForm />);
    const select = await screen.findByLabelText('Type');
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['Email', 'Webhook', 'Discord', 'PagerDuty']);
    expect(screen.getByRole('status')).toHaveTextContent('No SMTP relay is configured on this server.');
  });

  it('creates an email channel, its list field sent as an array', async () => {
    const calls = serve((r) => ({ status: 201, body: { id: 'c1', ...(r.body as object) } }));
    const onSaved = vi.fn();
    renderWithProviders(<ChannelForm onSaved={onSaved} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create channel' }));
    expect(await screen.findByText('Give the channel a name')).toBeInTheDocument();
    expect(errorOf(screen.getByLabelText('Recipients'))).toBe('Add at least one entry');
    await user.type(screen.getByLabelText('Name'), 'On-call');
    await user.type(screen.getByLabelText('Recipients'), 'a@example.com, b@example.com{enter}c@example.com');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(saves(calls)[0]!.body).toEqual({ type: 'email', name: 'On-call', digest: false, config: { recipients: ['a@example.com', 'b@example.com', 'c@example.com'] } });
  });

  it('draws a PagerDuty-like type: a secret as a password input, a select with its default', async () => {
    const calls = serve((r) => ({ status: 201, body: { id: 'c3', ...(r.body as object) } }));
    renderWithProviders(<ChannelForm />);
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText('Type'), 'pagerduty');
    expect(screen.queryByLabelText('Recipients')).not.toBeInTheDocument();
    const key = screen.getByLabelText('Integration key');
    expect(key).toHaveAttribute('type', 'password');
    expect(key).toHaveAttribute('aria-required', 'true');
    expect(errorOf(key)).toBe('From an Events API V2 integration.');
    const region = screen.getByLabelText('Service region');
    expect(region.tagName).toBe('SELECT');
    expect(region).toHaveValue('us');
    expect(within(region).getAllByRole('option').map((o) => o.textContent)).toEqual(['us', 'eu']);
    await user.type(screen.getByLabelText('Name'), 'Pager');
    await user.type(key, 'abcdefghijklmnopqrstuvwxyz012345');
    await user.selectOptions(region, 'eu');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(saves(calls)).toHaveLength(1));
    expect(saves(calls)[0]!.body).toEqual({ type: 'pagerduty', name: 'Pager', digest: false, config: { routing_key: 'abcdefghijklmnopqrstuvwxyz012345', region: 'eu' } });
  });

  it('puts a config error from the server on its own input', async () => {
    serve(() => invalid('routing_key: must be the 32-character integration key of an Events API v2 integration'));
    renderWithProviders(<ChannelForm />);
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText('Type'), 'pagerduty');
    await user.type(screen.getByLabelText('Name'), 'Pager');
    await user.type(screen.getByLabelText('Integration key'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    const key = screen.getByLabelText('Integration key');
    await waitFor(() => expect(key).toHaveAttribute('aria-invalid', 'true'));
    expect(errorOf(key)).toBe('Must be the 32-character integration key of an Events API v2 integration');
    expect(screen.getByLabelText('Service region')).not.toHaveAttribute('aria-invalid');
  });

  it('switches to webhook fields and puts config errors next to the URL', async () => {
    serve(() => invalid('url: resolves to a private address'));
    renderWithProviders(<ChannelForm />);
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText('Type'), 'webhook');
    await user.type(screen.getByLabelText('Name'), 'Hook');
    await user.type(screen.getByLabelText('URL'), 'https://10.0.0.1/hook');
    await user.selectOptions(screen.getByLabelText('Format'), 'slack');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('URL'))).toBe('Resolves to a private address'));
    expect(screen.getByLabelText('URL')).toHaveAttribute('aria-invalid', 'true');
  });

  it('leaves secrets out of an edit when they are left empty, so the stored ones stay', async () => {
    const calls = serve((r) => ({ status: 200, body: { id: 'c2', type: 'webhook', ...(r.body as object) } }));
    const channel = { id: 'c2', type: 'webhook', name: 'Hook', config: { url: 'https://h.example/x', format: 'json' as const }, has_secret: true, digest: false, created_at: '', updated_at: '' };
    renderWithProviders(<ChannelForm channel={channel} />);
    const user = userEvent.setup();
    expect(await screen.findByLabelText('Type')).toBeDisabled();
    expect(screen.getByLabelText('Signing secret')).toHaveAttribute('placeholder', 'Stored — leave empty to keep');
    expect(screen.getByLabelText('URL')).toHaveValue('https://h.example/x');
    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'Hook 2');
    await user.click(screen.getByRole('button', { name: 'Save channel' }));
    await waitFor(() => expect(saves(calls)).toHaveLength(1));
    expect(saves(calls)[0]!.method).toBe('PATCH');
    expect(saves(calls)[0]!.body).toEqual({ name: 'Hook 2', digest: false, config: { url: 'https://h.example/x', format: 'json' } });
  });

  it('does not ask again for a required secret that is stored', async () => {
    const calls = serve((r) => ({ status: 200, body: { id: 'c4', type: 'discord', ...(r.body as object) } }));
    const channel = { id: 'c4', type: 'discord', name: 'Chat', config: {}, has_secret: true, digest: true, created_at: '', updated_at: '' };
    renderWithProviders(<ChannelForm channel={channel} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Save channel' }));
    await waitFor(() => expect(saves(calls)).toHaveLength(1));
    expect(saves(calls)[0]!.body).toEqual({ name: 'Chat', digest: true, config: {} });
  });

  it('maps config field paths to inputs', () => {
    const fields = ['recipients', 'secret', 'routing_key'];
    expect(channelErrorField('config', 'recipients[1]: is not a valid email address', fields)).toEqual({ field: 'config.recipients', message: 'recipients[1]: is not a valid email address' });
    expect(channelErrorField('config', 'routing_key: is required', fields)).toEqual({ field: 'config.routing_key', message: 'is required' });
    expect(channelErrorField('config', 'url: is required', fields)).toEqual({ field: null, message: 'url: is required' });
    expect(channelErrorField('config', 'config is not a valid webhook config', fields)).toEqual({ field: null, message: 'config is not a valid webhook config' });
    expect(channelErrorField('name', 'must be 1 to 100 characters long', fields).field).toBe('name');
  });

  it('shows a test outcome, failures with their reason', () => {
    const { rerender } = renderWithProviders(<TestOutcome result={{ ok: true, duration_ms: 42 }} />);
    expect(screen.getByRole('status')).toHaveTextContent('Test delivered in 42 ms.');
    rerender(<TestOutcome result={{ ok: false, error: 'HTTP 410 Gone', permanent: true, duration_ms: 7 }} />);
    expect(screen.getByRole('status')).toHaveTextContent('Test failed (permanent');
    expect(screen.getByRole('status')).toHaveTextContent('HTTP 410 Gone');
  });
});
