import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { describeWindow, MaintenanceWindows } from './maintenance-windows';

afterEach(() => vi.unstubAllGlobals());

const session = (role: string) => ({ status: 200, body: { user: { id: 'u', email: 'u@example.com' }, organization: { id: 'o', name: 'O' }, role, csrf_token: 'c' } });

describe('MaintenanceWindows', () => {
  it('creates a weekly window for an agent and shows the server field errors', async () => {
    let posted = 0;
    const calls = mockFetch((r) => {
      if (r.method === 'POST') {
        posted++;
        return posted === 1
          ? { status: 400, body: { error: { code: 'validation_failed', message: 'invalid', details: [{ field: 'time_zone', message: 'must be an IANA time zone' }] } } }
          : { status: 201, body: {} };
      }
      if (r.url.pathname === '/api/v1/me') return session('member');
      return { status: 200, body: { items: [], total: 0 } };
    });
    renderWithProviders(<MaintenanceWindows agents={[{ id: 'ag-1', name: 'dc-1' }]} canWrite />);
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByRole('button', { name: 'New window' })).toBeEnabled());
    await user.click(screen.getByRole('button', { name: 'New window' }));
    await user.type(screen.getByLabelText('Window name'), 'Patch night');
    await user.click(screen.getByRole('checkbox', { name: 'Tue' }));
    await user.clear(screen.getByLabelText('For (minutes)'));
    await user.type(screen.getByLabelText('For (minutes)'), '180');
    await user.selectOptions(screen.getByLabelText('Time zone'), 'UTC');
    await user.click(screen.getByRole('button', { name: 'Create window' }));
    expect(await screen.findByText('must be an IANA time zone')).toBeInTheDocument();
    const body = calls.find((c) => c.method === 'POST')!.body;
    expect(body).toEqual({
      name: 'Patch night', scope: { type: 'agent', value: 'ag-1' }, recurrence: 'weekly', time_zone: 'UTC',
      weekdays: ['sun', 'tue'], start_time: '02:00', duration_minutes: 180,
    });
    await user.click(screen.getByRole('button', { name: 'Create window' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Create window' })).not.toBeInTheDocument());
    // Typing through user-event takes close to vitest's default 5 s on a busy machine.
  }, 20_000);

  it('shows viewers who may schedule windows instead of letting them try', async () => {
    const calls = mockFetch((r) => (r.url.pathname === '/api/v1/me' ? session('viewer') : { status: 200, body: { items: [], total: 0 } }));
    renderWithProviders(<MaintenanceWindows agents={[]} canWrite={false} />);
    expect(await screen.findByText('No maintenance window.')).toBeInTheDocument();
    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/v1/me')).toBe(true));
    const button = screen.getByRole('button', { name: 'New window' });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute('title', 'Only members, admins and owners can schedule maintenance windows.');
  });

  it('says when a weekly window is on', () => {
    expect(describeWindow({ recurrence: 'weekly', starts_at: null, ends_at: null, weekdays: ['sun', 'sat'], start_time: '23:00',
      duration_minutes: 90, time_zone: 'Europe/Berlin' })).toBe('Every Sat, Sun at 23:00 for 1 h 30 min (Europe/Berlin)');
  });
});
