import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { LoginForm } from './login-form';

afterEach(() => vi.unstubAllGlobals());

const session = { user: { id: 'u', email: 'a@example.com' }, organization: { id: 'o', name: 'A' }, role: 'owner', csrf_token: 'c' };

describe('LoginForm', () => {
  it('asks for a code after the password when the account has two-factor authentication', async () => {
    const calls = mockFetch(({ url }) =>
      url.pathname === '/api/v1/auth/login'
        ? { status: 200, body: { two_factor_required: true, challenge: 'cnl_2fa_x', expires_at: '2030-01-01T00:00:00Z' } }
        : { status: 200, body: session },
    );
    const onSuccess = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'my password!');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(onSuccess).not.toHaveBeenCalled();
    await user.type(await screen.findByLabelText('Authentication code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(onSuccess).toHaveBeenCalledOnce();
    expect(calls[1]!.body).toEqual({ challenge: 'cnl_2fa_x', code: '123456' });
  });

  it('offers recovery codes and restarts an expired sign-in', async () => {
    mockFetch(({ url }) =>
      url.pathname === '/api/v1/auth/login'
        ? { status: 200, body: { two_factor_required: true, challenge: 'cnl_2fa_x', expires_at: '2030-01-01T00:00:00Z' } }
        : { status: 401, body: { error: { code: 'challenge_expired', field: 'challenge', message: 'expired' } } },
    );
    const user = userEvent.setup();
    renderWithProviders(<LoginForm onSuccess={vi.fn()} />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'my password!');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await user.click(await screen.findByRole('button', { name: 'Use a recovery code' }));
    await user.type(screen.getByLabelText('Recovery code'), 'abcde-fghij');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText(/Start again with your password/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(await screen.findByLabelText('Password')).toBeInTheDocument();
  });

  it('links to the password reset', () => {
    renderWithProviders(<LoginForm onSuccess={vi.fn()} />);
    expect(screen.getByRole('link', { name: 'Forgot your password?' })).toHaveAttribute('href', '/forgot-password');
  });
});
