import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import { KeyExchangeFacts } from './key-exchange';

describe('key exchange facts', () => {
  it('badges a post-quantum hybrid group', () => {
    renderWithProviders(<dl><KeyExchangeFacts domain={{ tls_version: 'TLS 1.3', key_exchange: 'X25519MLKEM768', post_quantum: true }} /></dl>);
    expect(screen.getByTestId('tls-version')).toHaveTextContent('TLS 1.3');
    expect(screen.getByTestId('key-exchange')).toHaveTextContent('X25519MLKEM768');
    expect(screen.getByText('Post-quantum')).toHaveClass('badge-good');
    expect(screen.queryByText('Classical')).not.toBeInTheDocument();
  });

  it('marks a classical group, and says unknown when an old agent reported none', () => {
    const { unmount } = renderWithProviders(<dl><KeyExchangeFacts domain={{ tls_version: 'TLS 1.2', key_exchange: 'CurveP256', post_quantum: false }} /></dl>);
    expect(screen.getByText('Classical')).toBeInTheDocument();
    expect(screen.queryByText('Post-quantum')).not.toBeInTheDocument();
    unmount();
    renderWithProviders(<dl><KeyExchangeFacts domain={{ tls_version: 'TLS 1.3', key_exchange: '', post_quantum: false }} /></dl>);
    expect(screen.getByTestId('key-exchange')).toHaveTextContent(/Key exchange\s*unknown/);
    expect(screen.queryByText('Classical')).not.toBeInTheDocument();
  });
});
