import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { testAgent } from '../testing';
import type { AgentCertificate } from '../types';
import { AgentCertificates } from './agent-certificates';

afterEach(() => vi.unstubAllGlobals());

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const cert = (serial: string, status: AgentCertificate['status'], over: Partial<AgentCertificate> = {}): AgentCertificate => ({
  serial, status, origin: 'renewed', not_before: at(-2), not_after: at(5), created_at: at(-2), revoked_at: null, ...over,
});
const history = [
  cert('c3', 'current'),
  cert('b2', 'superseded', { not_before: at(-5), not_after: at(2), created_at: at(-5) }),
  cert('a1', 'revoked', { origin: 'enrolled', revoked_at: at(-1) }),
  cert('a0', 'expired', { origin: '', not_after: at(-3) }),
];
const agent = testAgent({ certificate_serial: 'c3', certificate_not_after: at(5), certificate_rotated_at: at(-2) });

function serve(revoke: () => { status: number; body?: unknown } = () => ({ status: 200, body: {} })) {
  return mockFetch(({ method, url }) =>
    method === 'GET' && url.pathname === '/api/v1/agents/a1/certificates' ? { status: 200, body: { items: history, total: history.length, page: 1, per_page: 50 } } : revoke(),
  );
}

describe('AgentCertificates', () => {
  it('lists the history with statuses in words and a Revoke button on live certificates only', async () => {
    serve();
    renderWithProviders(<AgentCertificates agent={agent} canAdmin />);
    const table = await screen.findByRole('table', { name: 'Certificates of dc1' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1]?.textContent)).toEqual(['Current', 'Superseded', 'Revoked', 'Expired']);
    expect(within(rows[0]!).getByText('Renewed by the agent')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('Enrolled with a join token')).toBeInTheDocument();
    expect(within(rows[3]!).getByText('Not recorded')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Revoke certificate c3' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Revoke certificate b2' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Revoke certificate a1' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Revoke certificate a0' })).not.toBeInTheDocument();
  });

  it('revokes one certificate after a confirmation naming it', async () => {
    const user = userEvent.setup();
    const calls = serve();
    renderWithProviders(<AgentCertificates agent={agent} canAdmin />);
    await user.click(await screen.findByRole('button', { name: 'Revoke certificate b2' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke certificate b2?' });
    expect(dialog).toHaveTextContent('The certificate of “dc1” with serial b2');
    expect(dialog).toHaveTextContent('the agent’s current certificate keeps working');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke certificate' }));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url.pathname).toBe('/api/v1/agents/a1/certificates/b2/revoke');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('warns that revoking the current certificate stops the agent, and shows the server’s refusal', async () => {
    const user = userEvent.setup();
    serve(() => ({ status: 409, body: { error: { code: 'conflict', message: 'this certificate is revoked already' } } }));
    renderWithProviders(<AgentCertificates agent={agent} canAdmin />);
    await user.click(await screen.findByRole('button', { name: 'Revoke certificate c3' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('the agent stops working until it enrolls again');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke certificate' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('this certificate is revoked already');
  });

  it('revokes all live certificates, naming them, and requires re-enrollment', async () => {
    const user = userEvent.setup();
    const calls = serve();
    renderWithProviders(<AgentCertificates agent={agent} canAdmin />);
    await user.click(await screen.findByRole('button', { name: 'Revoke all and require re-enrollment' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke every certificate of “dc1”?' });
    expect(dialog).toHaveTextContent('All 2 of its live certificates (c3, b2) are refused');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke all' }));
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/v1/agents/a1/certificate/revoke');
  });

  it('shows others the history without any revoke control', async () => {
    serve();
    renderWithProviders(<AgentCertificates agent={agent} canAdmin={false} />);
    await screen.findByRole('table');
    expect(screen.queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
  });
});
