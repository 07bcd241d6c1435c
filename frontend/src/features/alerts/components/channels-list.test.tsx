import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { ChannelsList } from './channels-list';

afterEach(() => vi.unstubAllGlobals());

const channel = (id: string, type: string, config: object) => ({ id, type, name: `${type} ${id}`, config, has_secret: false, digest: false, created_at: '', updated_at: '' });

describe('ChannelsList', () => {
  it('labels each channel with its type and flags the types the server cannot deliver to', async () => {
    mockFetch((r) => {
      if (r.url.pathname.endsWith('/channel-types')) {
        return {
          status: 200,
          body: {
            total: 2,
            items: [
              { type: 'email', label: 'Email', fields: [], unavailable: 'No SMTP relay is configured on this server.' },
              { type: 'webhook', label: 'Webhook', fields: [] },
              { type: 'pagerduty', label: 'PagerDuty', fields: [] },
            ],
          },
        };
      }
      if (r.url.pathname.endsWith('/channels')) {
        return { status: 200, body: { total: 2, items: [channel('c1', 'email', { recipients: ['a@example.com'] }), channel('c2', 'webhook', { url: 'https://h.example/x' }), channel('c3', 'pagerduty', { region: 'us' })] } };
      }
      return { status: 200, body: { items: [], total: 0 } };
    });
    renderWithProviders(<ChannelsList />);
    const email = await screen.findByRole('article', { name: 'Channel email c1' });
    expect(await within(email).findByText('No SMTP relay is configured on this server.')).toBeInTheDocument();
    const hook = screen.getByRole('article', { name: 'Channel webhook c2' });
    expect(within(hook).queryByText('Not deliverable')).not.toBeInTheDocument();
    expect(within(hook).getByText('Webhook · json')).toBeInTheDocument();
    // Each channel is shown with its type's label as the server describes it.
    expect(within(screen.getByRole('article', { name: 'Channel pagerduty c3' })).getByText('PagerDuty')).toBeInTheDocument();
  });
});
