import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { daysLeftTone } from '@/lib/days-left';
import { DaysLeftBadge, StatusBadge } from './badge';

describe('DaysLeftBadge', () => {
  it.each([
    [400, 'good', '400 days'],
    [31, 'good', '31 days'],
    [30, 'warning', '30 days'],
    [15, 'warning', '15 days'],
    [14, 'high', '14 days'],
    [8, 'high', '8 days'],
    [7, 'critical', '7 days'],
    [1, 'critical', '1 day'],
    [0, 'critical', 'expires today'],
    [-3, 'critical', 'expired 3 days ago'],
    [null, 'unknown', 'unknown'],
  ])('%s days → %s', (days, tone, label) => {
    render(<DaysLeftBadge days={days} />);
    const badge = screen.getByLabelText(`Days left: ${label}`);
    expect(badge).toHaveAttribute('data-tone', tone);
    expect(badge).toHaveClass(`badge-${tone}`);
    expect(badge).toHaveTextContent(label);
  });

  it('follows other thresholds when given', () => {
    expect(daysLeftTone(45, [60, 30, 10])).toBe('warning');
    expect(daysLeftTone(20, [60, 30, 10])).toBe('high');
    expect(daysLeftTone(61, [60, 30, 10])).toBe('good');
  });
});

describe('StatusBadge', () => {
  it('labels known statuses and passes unknown ones through', () => {
    render(
      <>
        <StatusBadge status="expiring" />
        <StatusBadge status="never" />
        <StatusBadge status="something_new" />
      </>,
    );
    expect(screen.getByText('Expiring')).toBeInTheDocument();
    expect(screen.getByText('Never connected')).toBeInTheDocument();
    expect(screen.getByText('something_new')).toBeInTheDocument();
  });
});
