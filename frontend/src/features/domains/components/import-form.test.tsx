import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { ImportForm } from './import-form';

afterEach(() => vi.unstubAllGlobals());

describe('ImportForm', () => {
  it('sends pasted CSV as text/csv and reports created and skipped', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { created: 2, skipped: 1 } }));
    renderWithProviders(<ImportForm />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Choose a file or paste CSV rows.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('…or paste CSV'), 'host,port{Enter}a.example,443{Enter}');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/2 domains added, 1 already monitored and skipped/)).toBeInTheDocument();
    expect(calls[0]!.headers.get('Content-Type')).toBe('text/csv');
    expect(calls[0]!.body).toBe('host,port\na.example,443\n');
  });

  it('uploads a chosen file as multipart', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { created: 1, skipped: 0 } }));
    renderWithProviders(<ImportForm />);
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText('CSV file'), new File(['host\nb.example\n'], 'd.csv', { type: 'text/csv' }));
    await user.click(screen.getByRole('button', { name: 'Import' }));
    await screen.findByText(/1 domain added/);
    expect(calls[0]!.body).toBeInstanceOf(FormData);
    expect((calls[0]!.body as FormData).get('file')).toBeInstanceOf(File);
  });

  it('lists every row error in a table', async () => {
    mockFetch(() => ({
      status: 400,
      body: {
        error: { code: 'validation_failed', field: 'port', message: 'row 3: port: must be a number, got "https" (nothing was imported)' },
        rows: [
          { row: 3, field: 'port', message: 'must be a number, got "https"' },
          { row: 5, field: 'agent', message: 'no agent named or with the ID "dc9"' },
        ],
      },
    }));
    renderWithProviders(<ImportForm />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('…or paste CSV'), 'host,port{Enter}x,https{Enter}');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    const table = await screen.findByRole('table', { name: 'Rows with errors' });
    const rows = within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([
      ['3', 'port', 'must be a number, got "https"'],
      ['5', 'agent', 'no agent named or with the ID "dc9"'],
    ]);
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Nothing was imported: 2 problems in the file.'));
  });
});
