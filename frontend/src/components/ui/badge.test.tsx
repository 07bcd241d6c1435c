import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { daysLeftTone, ExpiringThresholdContext } from '@/lib/days-left';
import { DaysLeftBadge, StatusBadge } from './badge';

describe('DaysLeftBadge', () => {
  it.each([
    [400, 'good', '400 days'],
    [31, 'good', '31 days'],
    [30, 'good', '30 days'],
    [15, 'good', '15 days'],
    [14, 'high', '14 days'],
    [8, 'high', '8 days'],
    [7, 'critical', '7 days'],
    [1, 'critical', '1 day'],
    [0, 'critical', 'expires today'],
    [-3, 'critical', 'expired 3 days ago'],
    [null, 'unknown', 'unknown'],
  ])('%s days → %s (no floor by default)', (days, tone, label) => {
    render(<DaysLeftBadge days={days} />);
    const badge = screen.getByLabelText(`Days left: ${label}`);
    expect(badge).toHaveAttribute('data-tone', tone);
    expect(badge).toHaveClass(`badge-${tone}`);
    expect(badge).toHaveTextContent(label);
  });

  it.each([
    // A wider threshold: amber reaches further out; red and orange stay at 7 and 14.
    [60, 61, 'good'],
    [60, 60, 'warning'],
    [60, 31, 'warning'],
    [60, 15, 'warning'],
    [60, 14, 'high'],
    [60, 7, 'critical'],
    // A narrower one.
    [21, 22, 'good'],
    [21, 21, 'warning'],
    // Below 14 amber never shows: orange runs straight into green.
    [10, 15, 'good'],
    [10, 14, 'high'],
    [10, 11, 'high'],
    [10, 8, 'high'],
    [10, 7, 'critical'],
    [3, 5, 'critical'],
    [60, null, 'unknown'],
  ] as const)('threshold %s: %s days → %s (prop)', (threshold, days, tone) => {
    render(<DaysLeftBadge days={days} threshold={threshold} />);
    expect(screen.getByLabelText(/^Days left:/)).toHaveAttribute('data-tone', tone);
    expect(daysLeftTone(days, threshold)).toBe(tone);
  });

  it('takes the threshold from ExpiringThresholdContext; a prop wins over it', () => {
    render(
      <ExpiringThresholdContext.Provider value={45}>
        <DaysLeftBadge days={40} />
        <DaysLeftBadge days={46} />
        <DaysLeftBadge days={20} threshold={14} />
      </ExpiringThresholdContext.Provider>,
    );
    expect(screen.getByLabelText('Days left: 40 days')).toHaveAttribute('data-tone', 'warning');
    expect(screen.getByLabelText('Days left: 46 days')).toHaveAttribute('data-tone', 'good');
    expect(screen.getByLabelText('Days left: 20 days')).toHaveAttribute('data-tone', 'good');
  });
});

describe('StatusBadge', () => {
  it('labels known statuses and words unknown ones rather than show a raw code', () => {
    render(
      <>
        <StatusBadge status="expiring" />
        <StatusBadge status="never" />
        <StatusBadge status="something_new" />
      </>,
    );
    expect(screen.getByText('Expiring')).toBeInTheDocument();
    expect(screen.getByText('Never connected')).toBeInTheDocument();
    expect(screen.getByText('Something new')).toBeInTheDocument();
  });
});
