import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import type { Backend } from '../types';
import { Backends } from './backends';

const backend = (b: Partial<Backend>): Backend => ({
  address: '192.0.2.1', family: 'ipv4', status: 'ok', sha256: 'a'.repeat(64), not_before: '2026-01-01T00:00:00Z',
  not_after: '2026-04-01T00:00:00Z', days_left: 40, error_kind: '', error: '', observed_at: '2026-02-20T10:00:00Z',
  stale_certificate: false, ...b,
});

describe('backends of a name', () => {
  it('flags the backend serving an older certificate, and shows a failed one as its own failure', () => {
    renderWithProviders(<Backends backends={[
      backend({}),
      backend({ address: '2001:db8::1', family: 'ipv6', sha256: 'b'.repeat(64), stale_certificate: true }),
      backend({ address: '192.0.2.3', status: 'unreachable', sha256: '', not_before: null, not_after: null, days_left: null,
        error_kind: 'refused', error: 'refused: dial tcp 192.0.2.3:443: connect: connection refused' }),
    ]} />);
    const table = screen.getByTestId('backends');
    const row = (address: string) => {
      const r = table.querySelector(`tr[data-address="${address}"]`);
      if (!(r instanceof HTMLElement)) throw new Error(`no row for ${address}`);
      return r;
    };
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(within(row('192.0.2.1')).queryByText(/failed uptake/)).not.toBeInTheDocument();
    expect(within(row('2001:db8::1')).getByText('Serves an older certificate (failed uptake)')).toBeInTheDocument();
    expect(within(row('2001:db8::1')).getByText('IPv6')).toBeInTheDocument();
    expect(within(row('192.0.2.3')).queryByText(/failed uptake/)).not.toBeInTheDocument();
    expect(row('192.0.2.3')).toHaveTextContent(/refused/i);
  });

  it('shows nothing for a name with one backend: that backend is the domain', () => {
    const { container } = renderWithProviders(<Backends backends={[backend({})]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
