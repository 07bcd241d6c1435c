import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { PostQuantumCard } from './post-quantum-card';

afterEach(() => vi.unstubAllGlobals());

describe('post-quantum readiness card', () => {
  it('counts ready, classical and unknown endpoints, each linking to the filtered domain list', async () => {
    const calls = mockFetch(() => ({
      status: 200,
      body: {
        items: [
          { group: 'X25519', post_quantum: false, endpoints: 5 },
          { group: 'X25519MLKEM768', post_quantum: true, endpoints: 3 },
          { group: '', post_quantum: false, endpoints: 2 },
        ],
        total: 3,
        readiness: { ready: 3, not_ready: 5, unknown: 2 },
      },
    }));
    renderWithProviders(<PostQuantumCard />);
    const ready = await screen.findByRole('link', { name: 'Post-quantum ready' });
    expect(ready).toHaveAttribute('href', '/domains?post_quantum=true');
    expect(ready.closest('li')).toHaveTextContent('3');
    const classical = screen.getByRole('link', { name: 'Classical key exchange only' });
    expect(classical).toHaveAttribute('href', '/domains?post_quantum=false');
    expect(classical.closest('li')).toHaveTextContent('5');
    const unknown = screen.getByRole('link', { name: 'Key exchange unknown' });
    expect(unknown).toHaveAttribute('href', '/domains?post_quantum=unknown');
    expect(unknown.closest('li')).toHaveTextContent('2');
    expect(screen.getByText(/Groups seen/)).toHaveTextContent('X25519 (5), X25519MLKEM768 (3)');
    expect(calls[0]?.url.pathname).toBe('/api/v1/insights/key-exchange');
  });

  it('says when the groups cannot be loaded', async () => {
    mockFetch(() => ({ status: 500, body: { error: { code: 'internal', message: 'Something went wrong.' } } }));
    renderWithProviders(<PostQuantumCard />);
    expect(await screen.findByText('Could not load key exchange groups.')).toBeInTheDocument();
  });
});
