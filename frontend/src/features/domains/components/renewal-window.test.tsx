import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import type { RenewalInfo } from '../types';
import { RenewalWindowFact, RenewalWindowNotice } from './renewal-window';

const info: RenewalInfo = {
  directory_url: 'https://acme.example/directory',
  window_start: '2026-12-20T10:00:00Z',
  window_end: '2026-12-22T10:00:00Z',
  fetched_at: '2026-11-29T06:00:00Z',
  next_fetch_at: '2026-11-29T12:00:00Z',
};

describe('renewal window', () => {
  it('shows the CA window with its explanation link, and no notice while the window stays put', () => {
    renderWithProviders(
      <>
        <RenewalWindowNotice info={info} />
        <dl><RenewalWindowFact info={{ ...info, explanation_url: 'https://ca.example/why' }} /></dl>
      </>,
    );
    expect(screen.getByTestId('renewal-window')).toHaveTextContent(/2026/);
    expect(screen.getByRole('link', { name: "CA's explanation" })).toHaveAttribute('href', 'https://ca.example/why');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('raises an urgent notice when the CA moved the window earlier, and never links a script URL', () => {
    renderWithProviders(
      <RenewalWindowNotice info={{ ...info, window_start: '2026-11-29T05:00:00Z', window_end: '2026-11-29T05:00:01Z',
        previous_start: '2026-12-20T10:00:00Z', previous_end: '2026-12-22T10:00:00Z', explanation_url: 'javascript:alert(1)' }} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('The CA asks for this certificate to be renewed now.');
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  it('says why a CA has not answered yet', () => {
    renderWithProviders(
      <dl><RenewalWindowFact info={{ ...info, window_start: null, window_end: null, fetched_at: null, last_error: 'x509: certificate signed by unknown authority' }} /></dl>,
    );
    expect(screen.getByTestId('renewal-window')).toHaveTextContent(/not answered yet/);
    expect(screen.getByTestId('renewal-window')).toHaveTextContent('Asking https://acme.example/directory failed: x509: certificate signed by unknown authority');
  });

  it('raises no notice when the window moved later', () => {
    renderWithProviders(<RenewalWindowNotice info={{ ...info, previous_start: '2026-12-01T00:00:00Z' }} />);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
