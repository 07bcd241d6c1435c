import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { ForgotPasswordForm } from './forgot-password-form';
import { ResetPasswordForm } from './reset-password-form';

afterEach(() => vi.unstubAllGlobals());

describe('ForgotPasswordForm', () => {
  it('says when this server cannot send email', async () => {
    mockFetch(() => ({ status: 200, body: { available: false } }));
    renderWithProviders(<ForgotPasswordForm />);
    expect(await screen.findByText('Email reset is unavailable on this server')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Email me a reset link' })).not.toBeInTheDocument();
  });

  it('asks for a link and answers alike for every address', async () => {
    const calls = mockFetch(({ method }) => (method === 'GET' ? { status: 200, body: { available: true } } : { status: 202, body: { status: 'ok' } }));
    const user = userEvent.setup();
    renderWithProviders(<ForgotPasswordForm />);
    await user.type(await screen.findByLabelText('Email'), 'who@example.com');
    await user.click(screen.getByRole('button', { name: 'Email me a reset link' }));
    expect(await screen.findByText(/If who@example.com has a Certinel account/)).toBeInTheDocument();
    expect(calls[1]).toMatchObject({ method: 'POST', body: { email: 'who@example.com' } });
  });
});

describe('ResetPasswordForm', () => {
  it('sets the new password with the link token', async () => {
    const calls = mockFetch(() => ({ status: 204 }));
    const user = userEvent.setup();
    renderWithProviders(<ResetPasswordForm token="cnl_pwr_t" />);
    await user.type(screen.getByLabelText('New password'), 'a brand new password');
    await user.type(screen.getByLabelText('Repeat the new password'), 'a brand new passwort');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByText('The two passwords differ')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    await user.clear(screen.getByLabelText('Repeat the new password'));
    await user.type(screen.getByLabelText('Repeat the new password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByText('Your password is changed')).toBeInTheDocument();
    expect(calls[0]!.body).toEqual({ token: 'cnl_pwr_t', password: 'a brand new password' });
  });

  it('explains a dead link', async () => {
    mockFetch(() => ({ status: 404, body: { error: { code: 'not_found', field: 'token', message: 'this reset link is unknown, used or expired: ask for a new one' } } }));
    const user = userEvent.setup();
    renderWithProviders(<ResetPasswordForm token="cnl_pwr_t" />);
    await user.type(screen.getByLabelText('New password'), 'a brand new password');
    await user.type(screen.getByLabelText('Repeat the new password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByText(/this reset link is unknown, used or expired/)).toBeInTheDocument();
  });
});
