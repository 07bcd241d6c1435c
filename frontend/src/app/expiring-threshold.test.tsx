import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DaysLeftBadge } from '@/components/ui/badge';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { ExpiringThresholdProvider } from './expiring-threshold';

afterEach(() => vi.unstubAllGlobals());

describe('ExpiringThresholdProvider', () => {
  it('fetches the organization once and colours every badge by its threshold', async () => {
    const calls = mockFetch(() => ({
      status: 200,
      body: { id: 'o', name: 'Acme', expiring_threshold_days: 60, policy: { min_rsa_bits: 2048, min_ec_bits: 256, allow_sha1: false, max_validity_days: 398, expiring_days: 60, renew_after_fraction: 0.66 } },
    }));
    renderWithProviders(
      <ExpiringThresholdProvider>
        <DaysLeftBadge days={45} />
        <DaysLeftBadge days={61} />
      </ExpiringThresholdProvider>,
    );
    // The server's default (no floor) until the organization arrives.
    expect(screen.getByLabelText('Days left: 45 days')).toHaveAttribute('data-tone', 'good');
    await waitFor(() => expect(screen.getByLabelText('Days left: 45 days')).toHaveAttribute('data-tone', 'warning'));
    expect(screen.getByLabelText('Days left: 61 days')).toHaveAttribute('data-tone', 'good');
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(['GET /api/v1/organization']);
  });
});
