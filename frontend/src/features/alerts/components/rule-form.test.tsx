import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { Channel, ChannelTypeDescription } from '../types';
import { RuleForm } from './rule-form';

afterEach(() => vi.unstubAllGlobals());

const channels: Channel[] = [
  { id: 'ch-1', type: 'email', name: 'On-call', config: { recipients: ['a@example.com'] }, has_secret: false, digest: false, created_at: '', updated_at: '' },
  { id: 'ch-2', type: 'webhook', name: 'Ops hook', config: { url: 'https://h.example', format: 'json' }, has_secret: true, digest: false, created_at: '', updated_at: '' },
];
const agents = [{ id: 'ag-1', name: 'office-lan' }];
const types: ChannelTypeDescription[] = [
  { type: 'email', label: 'Email', fields: [] },
  { type: 'webhook', label: 'Webhook', fields: [] },
];

type Handler = Parameters<typeof mockFetch>[0];

/**
 * Answers the form's read of the channel types (for their labels) and hands every other
 * request to handler; the calls returned are those other requests: the rule's save.
 */
function mockApi(handler: Handler) {
  const calls = mockFetch((r) => (r.url.pathname === '/api/v1/channel-types' ? { status: 200, body: { items: types, total: types.length } } : handler(r)));
  return {
    get saves() {
      return calls.filter((c) => c.url.pathname !== '/api/v1/channel-types');
    },
  };
}

describe('RuleForm', () => {
  it('validates name, events, thresholds and scope before sending', async () => {
    const api = mockApi(() => ({ status: 201, body: {} }));
    renderWithProviders(<RuleForm channels={channels} agents={agents} />);
    const user = userEvent.setup();
    // Untick every event.
    for (const box of within(screen.getByRole('group', { name: 'Events' })).getAllByRole('checkbox')) await user.click(box);
    await user.click(screen.getByRole('radio', { name: 'Domains with tags' }));
    await user.click(screen.getByRole('button', { name: 'Create rule' }));
    expect(await screen.findByText('Give the rule a name')).toBeInTheDocument();
    expect(screen.getByText('Pick at least one event')).toBeInTheDocument();
    expect(screen.getByText('Name at least one tag')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Add a threshold in days'), '400{Enter}');
    expect(screen.getByText('A threshold is a whole number of days, 0 to 365')).toBeInTheDocument();
    expect(api.saves).toHaveLength(0);
  });

  it('names each channel by the label of its type', async () => {
    mockApi(() => ({ status: 201, body: {} }));
    renderWithProviders(<RuleForm channels={channels} agents={agents} />);
    expect(await screen.findByRole('checkbox', { name: 'On-call · Email' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Ops hook · Webhook' })).toBeInTheDocument();
  });

  it('edits threshold chips with the keyboard and sends the whole rule', async () => {
    const api = mockApi((r) => ({ status: 201, body: { ...(r.body as object), id: 'r1' } }));
    const onSaved = vi.fn();
    renderWithProviders(<RuleForm channels={channels} agents={agents} onSaved={onSaved} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Rule name'), 'Prod certs');
    // A new rule is lifetime-aware: no fixed thresholds until some are added.
    expect(screen.getByText(/None: lifetime-aware/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('Add a threshold in days'), '60{Enter}30{Enter}14{Enter}7{Enter}1{Enter}');
    await user.click(screen.getByRole('button', { name: 'Remove the 1-day threshold' }));
    await user.type(screen.getByLabelText('Add a threshold in days'), '3{Enter}');
    expect(within(screen.getByRole('list', { name: 'Thresholds' })).getAllByRole('listitem').map((li) => li.textContent?.replace('×', '').trim())).toEqual([
      '60 days', '30 days', '14 days', '7 days', '3 days',
    ]);
    await user.click(screen.getByRole('checkbox', { name: /Ops hook/ }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Events Ops hook gets' }), 'Critical only');
    await user.type(screen.getByRole('textbox', { name: 'Only domains tagged, for Ops hook' }), 'prod, payments');
    await user.click(screen.getByRole('checkbox', { name: /Agent offline/ }));
    await user.click(screen.getByRole('radio', { name: 'Domains checked by agents' }));
    await user.click(screen.getByRole('checkbox', { name: 'office-lan' }));
    await user.click(screen.getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const calls = api.saves;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.url.pathname).toBe('/api/v1/alert-rules');
    const body = calls[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'Prod certs',
      enabled: true,
      thresholds_days: [60, 30, 14, 7, 3],
      routes: [{ channel_id: 'ch-2', min_severity: 'critical', tags: ['prod', 'payments'] }],
      scope: { all: false, tags: [], agent_ids: ['ag-1'] },
      unreachable_after: 2,
      remind_every_hours: 0,
    });
    expect(body).not.toHaveProperty('channel_ids');
    expect(body.events).not.toContain('agent_offline');
    expect(body.events).not.toContain('changed');
    expect(body.events).toContain('expiring');
  });

  it('shows API field errors next to the section they name', async () => {
    mockApi(() => ({
      status: 400,
      body: {
        error: {
          code: 'validation_failed', message: 'routes[0].min_severity: must be info, warning or critical', field: 'routes[0].min_severity',
          details: [{ field: 'routes[0].min_severity', message: 'must be info, warning or critical' }, { field: 'scope.tags', message: 'tag "x y" is not valid' }],
        },
      },
    }));
    renderWithProviders(<RuleForm channels={channels} agents={agents} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Rule name'), 'R');
    await user.click(screen.getByRole('button', { name: 'Create rule' }));
    const send = screen.getByRole('group', { name: 'Send to' });
    expect(await within(send).findByText('Must be info, warning or critical')).toBeInTheDocument();
    expect(send).toHaveAttribute('aria-describedby', expect.stringContaining('routes-error'));
    expect(within(screen.getByRole('group', { name: 'Applies to' })).getByText('Tag "x y" is not valid')).toBeInTheDocument();
  });

  it('PATCHes an existing rule with every field', async () => {
    const api = mockApi((r) => ({ status: 200, body: r.body }));
    const rule = {
      id: 'r9', name: 'Old', enabled: false, thresholds_days: [10], events: ['expired'], channel_ids: ['ch-1', 'ch-2'],
      routes: [{ channel_id: 'ch-1', min_severity: 'warning' as const, tags: [] }, { channel_id: 'ch-2', min_severity: 'info' as const, tags: ['prod'] }],
      scope: { all: false, tags: ['prod'], agent_ids: [] }, unreachable_after: 5, remind_every_hours: 12, created_at: '', updated_at: '',
    };
    renderWithProviders(<RuleForm rule={rule} channels={channels} agents={agents} />);
    const user = userEvent.setup();
    expect(screen.getByLabelText('Tags')).toHaveValue('prod');
    expect(screen.getByRole('combobox', { name: 'Events On-call gets' })).toHaveValue('warning');
    expect(screen.getByRole('textbox', { name: 'Only domains tagged, for Ops hook' })).toHaveValue('prod');
    await user.click(screen.getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(api.saves).toHaveLength(1));
    const calls = api.saves;
    expect(calls[0]!.method).toBe('PATCH');
    expect(calls[0]!.url.pathname).toBe('/api/v1/alert-rules/r9');
    expect(calls[0]!.body).toEqual({
      name: 'Old', enabled: false, thresholds_days: [10], events: ['expired'],
      routes: [{ channel_id: 'ch-1', min_severity: 'warning', tags: [] }, { channel_id: 'ch-2', min_severity: 'info', tags: ['prod'] }],
      scope: { all: false, tags: ['prod'], agent_ids: [] }, unreachable_after: 5, remind_every_hours: 12,
    });
  });
});
