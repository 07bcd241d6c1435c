import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { ChangePasswordForm } from './change-password-form';

afterEach(() => vi.unstubAllGlobals());

async function fill(current: string, next: string, confirm = next) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Current password'), current);
  await user.type(screen.getByLabelText('New password'), next);
  await user.type(screen.getByLabelText('Repeat the new password'), confirm);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('ChangePasswordForm', () => {
  it('checks the new password before asking the server', async () => {
    const calls = mockFetch(() => ({ status: 204 }));
    renderWithProviders(<ChangePasswordForm />);
    await fill('old password!', 'short');
    expect(await screen.findByText('Use at least 10 characters')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('sends both passwords and says the other sessions ended', async () => {
    const calls = mockFetch(() => ({ status: 204 }));
    renderWithProviders(<ChangePasswordForm />);
    await fill('old password!', 'a new long password');
    expect(await screen.findByText(/other sessions were signed out/)).toBeInTheDocument();
    expect(calls[0]).toMatchObject({ method: 'POST', body: { current_password: 'old password!', new_password: 'a new long password' } });
    expect(calls[0]!.url.pathname).toBe('/api/v1/account/password');
  });

  it('puts a wrong current password next to its field in words', async () => {
    mockFetch(() => ({ status: 400, body: { error: { code: 'wrong_password', message: 'the current password is wrong', field: 'current_password' } } }));
    renderWithProviders(<ChangePasswordForm />);
    await fill('not it at all', 'a new long password');
    expect(await screen.findByText('This is not your current password')).toBeInTheDocument();
    expect(screen.getByLabelText('Current password')).toHaveAttribute('aria-invalid', 'true');
  });
});
