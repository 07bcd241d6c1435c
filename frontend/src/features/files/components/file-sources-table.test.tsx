import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { FileSource } from '../api/get-file-sources';
import { FileSourcesTable } from './file-sources-table';

afterEach(() => vi.unstubAllGlobals());

const item = (over: Partial<FileSource>): FileSource => ({
  id: 'f1', agent_id: 'a1', status: 'ok', days_left: 200, not_after: '2027-01-01T00:00:00Z', sha256: 'ab'.repeat(32),
  last_checked_at: '2026-06-01T00:00:00Z', last_error: '', last_error_kind: '', problems: [],
  file: { host: 'build01', path: '/etc/ssl/web.pem', entry: '', format: 'pem' }, ...over,
});

describe('file sources', () => {
  it('labels rows host:path (entry), links the certificate, words errors, and searches by path', async () => {
    const calls = mockFetch(({ url }) => {
      const items = url.searchParams.get('q') === 'keystore'
        ? [item({ id: 'f2', status: 'unreachable', days_left: null, not_after: null, sha256: null, last_error: 'pkcs12: decryption password incorrect',
          last_error_kind: 'file_password', file: { host: 'build01', path: '/opt/app/keystore.p12', entry: 'server', format: 'pkcs12' } })]
        : [item({ status: 'expiring', days_left: 10, problems: ['expiring'] })];
      return { status: 200, body: { items, total: items.length, page: 1, per_page: 50 } };
    });
    renderWithProviders(<FileSourcesTable />, { route: '/files' });
    const table = await screen.findByRole('table', { name: 'File sources' });
    expect(calls[0]!.url.pathname).toBe('/api/v1/file-sources');
    const row = within(table).getAllByRole('row')[1]!;
    expect(within(row).getByRole('link', { name: 'build01:/etc/ssl/web.pem' })).toHaveAttribute('href', '/domains/f1');
    expect(within(row).getByRole('link', { name: 'abababababab' })).toHaveAttribute('href', `/certificates/${'ab'.repeat(32)}`);
    expect(within(row).getByText('Expiring')).toBeInTheDocument();
    expect(within(row).getByLabelText('Days left: 10 days')).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Search file sources'), 'keystore');
    const p12 = await screen.findByRole('link', { name: 'build01:/opt/app/keystore.p12 (server)' }, { timeout: 5000 });
    expect(calls.at(-1)!.url.searchParams.get('q')).toBe('keystore');
    const errorRow = p12.closest('tr')!;
    expect(within(errorRow).getByText('The keystore password is missing or wrong in the agent configuration.')).toBeInTheDocument();
    expect(within(errorRow).getByText('PKCS#12')).toBeInTheDocument();
  }, 20_000);

  it('explains the agent configuration when no file was reported', async () => {
    mockFetch(() => ({ status: 200, body: { items: [], total: 0, page: 1, per_page: 50 } }));
    renderWithProviders(<FileSourcesTable />, { route: '/files' });
    await screen.findByText('No certificate files reported yet');
    expect(screen.getByText('CERTINEL_FILE_SOURCES')).toBeInTheDocument();
  });
});
