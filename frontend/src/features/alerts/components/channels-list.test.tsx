import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { ChannelsList } from './channels-list';

afterEach(() => vi.unstubAllGlobals());

const channel = (id: string, type: string, config: object) => ({ id, type, name: `${type} ${id}`, config, has_secret: false, digest: false, created_at: '', updated_at: '' });

describe('ChannelsList', () => {
  it('flags the channels of a type the server cannot deliver to, with the reason', async () => {
    mockFetch((r) => {
      if (r.url.pathname.endsWith('/channel-types')) {
        return {
          status: 200,
          body: {
            total: 2,
            items: [
              { type: 'email', label: 'Email', fields: [], unavailable: 'No SMTP relay is configured on this server.' },
              { type: 'webhook', label: 'Webhook', fields: [] },
            ],
          },
        };
      }
      if (r.url.pathname.endsWith('/channels')) {
        return { status: 200, body: { total: 2, items: [channel('c1', 'email', { recipients: ['a@example.com'] }), channel('c2', 'webhook', { url: 'https://h.example/x' })] } };
      }
      return { status: 200, body: { items: [], total: 0 } };
    });
    renderWithProviders(<ChannelsList />);
    const email = await screen.findByRole('article', { name: 'Channel email c1' });
    expect(await within(email).findByText('No SMTP relay is configured on this server.')).toBeInTheDocument();
    const hook = screen.getByRole('article', { name: 'Channel webhook c2' });
    expect(within(hook).queryByText('Not deliverable')).not.toBeInTheDocument();
  });
});
