import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '@/lib/api-client';
import type { Organization } from '@/lib/organization';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { OrganizationSettings } from './organization-settings';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

const org: Organization = {
  id: 'org-1',
  name: 'Acme Corp',
  expiring_threshold_days: 30,
  policy: { min_rsa_bits: 2048, min_ec_bits: 256, allow_sha1: false, max_validity_days: 398, expiring_days: 30, renew_after_fraction: 2 / 3 },
  require_agent_mtls: false,
  require_enrollment_approval: false,
};

const errorOf = (input: HTMLElement) => {
  const id = input.getAttribute('aria-describedby');
  return id ? document.getElementById(id.split(' ')[0]!)?.textContent : null;
};

describe('OrganizationSettings', () => {
  it('lets an owner save only what changed, then shows the saved values', async () => {
    setCsrfToken('csrf-1');
    let current = org;
    const calls = mockFetch((r) => {
      if (r.method === 'PATCH') {
        const b = r.body as { expiring_threshold_days?: number; policy?: Partial<Organization['policy']> };
        current = {
          ...current,
          expiring_threshold_days: b.expiring_threshold_days ?? current.expiring_threshold_days,
          policy: { ...current.policy, ...b.policy, expiring_days: b.expiring_threshold_days ?? current.expiring_threshold_days },
        };
      }
      return { status: 200, body: current };
    });
    renderWithProviders(<OrganizationSettings canEdit />);
    const user = userEvent.setup();
    const threshold = await screen.findByLabelText('Expiring threshold (days)');
    expect(threshold).toHaveValue(30);
    expect(screen.getByLabelText('Renew after (fraction of lifetime)')).toHaveValue('0.6667');
    expect(screen.getByText(/RSA keys shorter than this are flagged as weak crypto/)).toBeInTheDocument();
    expect(screen.getAllByText(/applies from each domain's next check/).length).toBeGreaterThan(0);

    await user.clear(threshold);
    await user.type(threshold, '45');
    const rsa = screen.getByLabelText('Minimum RSA key size (bits)');
    await user.clear(rsa);
    await user.type(rsa, '3072');
    await user.click(screen.getByLabelText('Accept SHA-1 signatures'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.url.pathname).toBe('/api/v1/organization');
    expect(patch.headers.get('X-CSRF-Token')).toBe('csrf-1');
    // The untouched fraction (shown rounded) is not sent back.
    expect(patch.body).toEqual({ expiring_threshold_days: 45, policy: { min_rsa_bits: 3072, allow_sha1: true } });
    expect(screen.getByLabelText('Expiring threshold (days)')).toHaveValue(45);
    expect(screen.getByLabelText('Minimum RSA key size (bits)')).toHaveValue(3072);
    expect(screen.getByLabelText('Accept SHA-1 signatures')).toBeChecked();
  });

  it('turns on the approval of agent enrollments, sending only that', async () => {
    const calls = mockFetch((r) =>
      r.method === 'PATCH' ? { status: 200, body: { ...org, ...(r.body as object) } } : { status: 200, body: org },
    );
    renderWithProviders(<OrganizationSettings canEdit />);
    const user = userEvent.setup();
    const toggle = await screen.findByLabelText('Require approval of agent enrollments');
    expect(toggle).not.toBeChecked();
    expect(screen.getByText(/gets its client certificate only once an admin approves it/)).toBeInTheDocument();
    await user.click(toggle);
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ require_enrollment_approval: true });
    expect(screen.getByLabelText('Require approval of agent enrollments')).toBeChecked();
  });

  it('puts API field errors next to the fields they name', async () => {
    mockFetch((r) =>
      r.method === 'PATCH'
        ? {
            status: 400,
            body: {
              error: {
                code: 'validation_failed',
                message: 'policy.min_rsa_bits: must be 0 (no minimum) to 16384',
                field: 'policy.min_rsa_bits',
                details: [
                  { field: 'policy.min_rsa_bits', message: 'must be 0 (no minimum) to 16384' },
                  { field: 'expiring_threshold_days', message: 'must be 1 to 365 days' },
                ],
              },
            },
          }
        : { status: 200, body: org },
    );
    renderWithProviders(<OrganizationSettings canEdit />);
    const user = userEvent.setup();
    const rsa = await screen.findByLabelText('Minimum RSA key size (bits)');
    await user.clear(rsa);
    await user.type(rsa, '1024');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(errorOf(screen.getByLabelText('Minimum RSA key size (bits)'))).toBe('Must be 0 (no minimum) to 16384'));
    expect(screen.getByLabelText('Minimum RSA key size (bits)')).toHaveAttribute('aria-invalid', 'true');
    expect(errorOf(screen.getByLabelText('Expiring threshold (days)'))).toBe('Must be 1 to 365 days');
    expect(screen.getByLabelText('Minimum EC key size (bits)')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByText('Settings saved.')).not.toBeInTheDocument();
  });

  it('checks the ranges before sending', async () => {
    const calls = mockFetch(() => ({ status: 200, body: org }));
    renderWithProviders(<OrganizationSettings canEdit />);
    const user = userEvent.setup();
    const fraction = await screen.findByLabelText('Renew after (fraction of lifetime)');
    await user.clear(fraction);
    await user.type(fraction, '1.5');
    const threshold = screen.getByLabelText('Expiring threshold (days)');
    await user.clear(threshold);
    await user.type(threshold, '400');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(errorOf(fraction)).toMatch(/below, 1/);
    expect(errorOf(threshold)).toBe('Whole days from 0 (none) to 365');
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);
  });

  it('lets an owner require client certificates, warning that token-only agents will be refused', async () => {
    const calls = mockFetch((r) => ({ status: 200, body: r.method === 'PATCH' ? { ...org, require_agent_mtls: true } : org }));
    renderWithProviders(<OrganizationSettings canEdit />);
    const user = userEvent.setup();
    const toggle = await screen.findByLabelText('Require client certificates for all agents');
    expect(toggle).not.toBeChecked();
    expect(screen.queryByText('Token-only agents will be refused.')).not.toBeInTheDocument();
    await user.click(toggle);
    expect(screen.getByText('Token-only agents will be refused.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ require_agent_mtls: true });
    expect(screen.getByLabelText('Require client certificates for all agents')).toBeChecked();
  });

  it('shows other roles the values read only, with a note', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { ...org, policy: { ...org.policy, max_validity_days: 0, min_ec_bits: 0 } } }));
    renderWithProviders(<OrganizationSettings canEdit={false} />);
    expect(await screen.findByText("Only owners can change the organization's settings.")).toBeInTheDocument();
    expect(screen.getByText('30 days')).toBeInTheDocument();
    expect(screen.getByText('2048 bits')).toBeInTheDocument();
    expect(screen.getByText('no minimum')).toBeInTheDocument();
    expect(screen.getByText('no limit')).toBeInTheDocument();
    expect(screen.getByText(/RSA keys shorter than this are flagged as weak crypto/)).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('spinbutton')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save settings' })).not.toBeInTheDocument();
    expect(calls.every((c) => c.method === 'GET')).toBe(true);
  });
});
