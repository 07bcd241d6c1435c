import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../types';
import { CheckStrip } from './check-strip';
import { LifecycleBar } from './lifecycle-bar';

const sample = (over: Partial<Sample>): Sample => ({
  observed_at: '2025-01-01T10:00:00Z', first_observed_at: '2025-01-01T10:00:00Z', checks: 1, ok: true,
  error_kind: '', trust_status: 'trusted', sha256: 'ab', ...over,
});

describe('CheckStrip', () => {
  it('draws runs oldest first and counts failed checks', () => {
    render(<CheckStrip samples={[
      sample({ observed_at: '2025-01-01T12:00:00Z', first_observed_at: '2025-01-01T12:00:00Z' }),
      sample({ observed_at: '2025-01-01T11:00:00Z', first_observed_at: '2025-01-01T10:30:00Z', checks: 2, ok: false, error_kind: 'refused', sha256: '' }),
      sample({ checks: 3, trust_status: 'self_signed' }),
    ]} />);
    const beads = screen.getByRole('list', { name: 'Recent checks, oldest first' }).querySelectorAll('li');
    expect([...beads].map((b) => b.className)).toEqual(['check-bead check-bead-warning', 'check-bead check-bead-critical', 'check-bead check-bead-good']);
    expect(beads[1]).toHaveAttribute('title', expect.stringMatching(/^The connection was refused: 2 checks, /));
    expect(screen.getByText(/^6 checks since .*; 2 failed\.$/)).toBeInTheDocument();
  });

  it('says when nothing was checked', () => {
    render(<CheckStrip samples={[]} />);
    expect(screen.getByText('No check recorded yet.')).toBeInTheDocument();
  });
});

describe('LifecycleBar', () => {
  const window = { start: '2025-03-01T00:00:00Z', end: '2025-03-20T00:00:00Z', source: 'estimate' as const };
  it.each([
    ['2025-02-01T00:00:00Z', 'before its renewal window'],
    ['2025-03-05T00:00:00Z', 'in its renewal window'],
    ['2025-03-25T00:00:00Z', 'renewal overdue'],
    ['2025-04-05T00:00:00Z', 'expired'],
  ])('on %s the certificate is %s', (now, phase) => {
    render(<LifecycleBar notBefore="2025-01-01T00:00:00Z" notAfter="2025-04-01T00:00:00Z" window={window} now={new Date(now)} />);
    expect(screen.getByTestId('lifecycle-phase')).toHaveTextContent(phase);
  });
});
