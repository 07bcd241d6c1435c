import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { describeWindow, MaintenanceWindows } from './maintenance-windows';

afterEach(() => vi.unstubAllGlobals());

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
      return { status: 200, body: { items: [], total: 0 } };
    });
    renderWithProviders(<MaintenanceWindows agents={[{ id: 'ag-1', name: 'dc-1' }]} canWrite />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New window' }));
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
  });

  it('hides editing from viewers', async () => {
    mockFetch(() => ({ status: 200, body: { items: [], total: 0 } }));
    renderWithProviders(<MaintenanceWindows agents={[]} canWrite={false} />);
    expect(await screen.findByText('No maintenance window.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New window' })).not.toBeInTheDocument();
  });

  it('says when a weekly window is on', () => {
    expect(describeWindow({ recurrence: 'weekly', starts_at: null, ends_at: null, weekdays: ['sun', 'sat'], start_time: '23:00',
      duration_minutes: 90, time_zone: 'Europe/Berlin' })).toBe('Every Sat, Sun at 23:00 for 1 h 30 min (Europe/Berlin)');
  });
});
