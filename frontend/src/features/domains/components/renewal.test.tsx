import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DaysLeftBadge } from '@/components/ui/badge';
import { ProblemList, windowText } from './renewal';

describe('renewal', () => {
  it('lists every problem in words', () => {
    render(<ProblemList problems={['untrusted', 'renewal_overdue', 'expiring']} />);
    const items = within(screen.getByRole('list', { name: 'Problems' })).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['Untrusted chain', 'Renewal overdue', 'Expiring soon']);
  });

  it('says when renewal is expected and who said so', () => {
    expect(windowText({ start: '2026-05-01T00:00:00Z', end: '2026-05-09T00:00:00Z', source: 'estimate' })).toMatch(
      /^Renewal expected from .+ to .+ \(estimated from the lifetime\)$/,
    );
    expect(windowText({ start: '2026-05-01T00:00:00Z', end: '2026-05-02T00:00:00Z', source: 'ari' })).toMatch(/suggested by the CA/);
    expect(windowText(null)).toBeNull();
  });

  it('colours days left by the status: a healthy short-lived certificate is green', () => {
    const { container } = render(<DaysLeftBadge days={2} status="ok" />);
    expect(container.querySelector('.days-left')?.getAttribute('data-tone')).toBe('good');
    const urgent = render(<DaysLeftBadge days={20} status="expiring" />);
    expect(urgent.container.querySelector('.days-left')?.getAttribute('data-tone')).toBe('high');
  });
});
