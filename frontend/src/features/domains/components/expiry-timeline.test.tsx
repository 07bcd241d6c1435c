import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import { bucketByDay } from '../api/get-expiry-timeline';
import { TimelineChart } from './expiry-timeline';

const now = new Date(2026, 10, 27, 12);
const at = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
const timeline = bucketByDay(
  [
    { id: 'a', host: 'a.example', port: 443, not_after: at(3), days_left: 3 },
    { id: 'b', host: 'b.example', port: 443, not_after: at(20), days_left: 20 },
    { id: 'c', host: 'c.example', port: 8443, not_after: at(20), days_left: 20 },
    { id: 'old', host: 'old.example', port: 443, not_after: at(-2), days_left: -2 },
  ],
  now,
);

describe('TimelineChart', () => {
  it('draws one bar per day with expiries, coloured by days left, and marks clusters', async () => {
    renderWithProviders(<TimelineChart timeline={timeline} clusterDays={['2026-12-17']} />);
    expect(screen.getByText(/already expired/)).toHaveTextContent('1 already expired');
    const bars = screen.getAllByRole('button', { name: /certificates? expire/ });
    expect(bars).toHaveLength(2);
    expect(bars[0]).toHaveClass('bar', 'tone-critical');
    expect(bars[1]).toHaveClass('bar', 'cluster');
    expect(bars[1]).toHaveAccessibleName(/2 certificates expire \(expiry cluster\)/);
    expect(screen.getByText('Today')).toBeInTheDocument();

    await userEvent.setup().click(bars[1]!);
    expect(await screen.findByRole('link', { name: 'c.example:8443' })).toHaveAttribute('href', '/domains/c');
    expect(screen.getByRole('link', { name: 'b.example:443' })).toBeInTheDocument();
  });

  it('says so when nothing expires', () => {
    renderWithProviders(<TimelineChart timeline={bucketByDay([], now)} />);
    expect(screen.getByText(/No certificate expires in the next 90 days/)).toBeInTheDocument();
  });
});
