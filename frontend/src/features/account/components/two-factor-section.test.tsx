import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { TwoFactorSection } from './two-factor-section';

afterEach(() => vi.unstubAllGlobals());

const codes = Array.from({ length: 10 }, (_, i) => `abcde-fgh${i}j`);

describe('TwoFactorSection', () => {
  it('enrolls: password, key and QR code, confirming code, recovery codes shown once', async () => {
    let enabled = false;
    const calls = mockFetch(({ method, url }) => {
      if (method === 'GET') return { status: 200, body: { enabled, recovery_codes_left: enabled ? 10 : 0, enrollment_pending: false } };
      if (url.pathname.endsWith('/setup')) return { status: 200, body: { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_code: 'data:image/png;base64,AA==' } };
      enabled = true;
      return { status: 200, body: { recovery_codes: codes } };
    });
    const user = userEvent.setup();
    renderWithProviders(<TwoFactorSection />);
    await user.type(await screen.findByLabelText('Your password'), 'my password!');
    await user.click(screen.getByRole('button', { name: 'Set up two-factor authentication' }));
    expect(await screen.findByLabelText('Key')).toHaveTextContent('JBSWY3DPEHPK3PXP');
    expect(screen.getByAltText('QR code of the authenticator key')).toHaveAttribute('src', 'data:image/png;base64,AA==');

    await user.type(screen.getByLabelText('Code from the app'), '12');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByText('Enter the 6-digit code from your app')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Code from the app'), '3456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(list.querySelectorAll('li')).toHaveLength(10);
    expect(calls.find((c) => c.url.pathname.endsWith('/enable'))?.body).toEqual({ code: '123456' });

    await user.click(screen.getByRole('button', { name: 'I saved them' }));
    expect(await screen.findByText(/10 recovery codes are left/)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).not.toBeInTheDocument();
  });

  it('says in words that a code was wrong', async () => {
    mockFetch(({ method }) =>
      method === 'GET'
        ? { status: 200, body: { enabled: true, recovery_codes_left: 3, enrollment_pending: false } }
        : { status: 400, body: { error: { code: 'invalid_code', field: 'code', message: 'the code is wrong, expired or was used already' } } },
    );
    const user = userEvent.setup();
    renderWithProviders(<TwoFactorSection />);
    await user.type(await screen.findByLabelText('Your password'), 'my password!');
    await user.type(screen.getByLabelText('Code from the app or a recovery code'), '000000');
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor authentication' }));
    expect(await screen.findByText(/This code is wrong, expired or was used already/)).toBeInTheDocument();
  });
});
