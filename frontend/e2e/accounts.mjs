// End-to-end steps for accounts: changing the password signs other
// sessions out, two-factor sign-in with a TOTP code, signing out elsewhere
// from the sessions list, the invitation page naming organization and role,
// and the reset page of a server without SMTP. run.mjs runs it after its own
// scenario, or alone with E2E_SPEC=accounts.
import { createHmac } from 'node:crypto';
import { openSession } from './session.mjs';

// totp is the RFC 6238 code of a base32 secret at a 30-second step.
function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 1000 / 30);

export async function accounts({ label, server, browser, check, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const email = `acct-${stamp}@example.com`;
  const organization = `Accounts ${stamp}`;
  let password = 'correct horse battery';
  const { page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  await signup({ email, password, organization });

  // other signs the same account in from a second browser.
  const other = async () => {
    const ctx = await browser.newContext({ baseURL: base, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1' });
    const r = await ctx.request.post(`${base}/api/v1/auth/login`, { data: { email, password } });
    equal(r.status(), 200, 'login from the second browser');
    return ctx;
  };
  const me = async (ctx) => (await ctx.request.get(`${base}/api/v1/me`)).status();

  await check(`[${label}] accounts: changing the password keeps this session and signs the others out`, async () => {
    const phone = await other();
    await page.goto('/account');
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill(password);
    await form.getByLabel('New password', { exact: true }).fill('a brand new password');
    await form.getByLabel('Repeat the new password').fill('a brand new password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other sessions were signed out').waitFor();
    password = 'a brand new password';
    equal(await me(phone), 401, 'the other browser after the change');
    equal(await me(page.context()), 200, 'this browser after the change');
    await phone.close();
  });

  await check(`[${label}] accounts: the sessions list shows each browser and signs out all others`, async () => {
    const phone = await other();
    await page.goto('/account');
    const list = page.getByRole('list', { name: 'Sessions' });
    await list.getByText('Safari on iOS').waitFor();
    await list.getByText('This browser').waitFor();
    await shot(page, 'accounts-01-account-page');
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    if (wide > 390) throw new Error(`the account page is ${wide} px wide at 390 px`);
    await shot(page, 'accounts-01-account-page-390');
    await page.setViewportSize({ width: 1360, height: 900 });
    await page.getByRole('button', { name: 'Sign out all other sessions' }).click();
    await page.getByText('Signed out of 1 other session.').waitFor();
    equal(await me(phone), 401, 'the other browser after "sign out all other sessions"');
    equal(await me(page.context()), 200, 'this browser');
    await phone.close();
  });

  let secret = '';
  let enabledAt = 0;
  await check(`[${label}] accounts: two-factor authentication is enrolled with a code and gives 10 recovery codes`, async () => {
    await page.goto('/account');
    const start = page.getByRole('form', { name: 'Turn on two-factor authentication' });
    await start.getByLabel('Your password').fill(password);
    await start.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const confirm = page.getByRole('form', { name: 'Confirm two-factor authentication' });
    secret = (await confirm.getByLabel('Key').textContent()).trim();
    await confirm.getByRole('img', { name: 'QR code of the authenticator key' }).waitFor();
    await shot(page, 'accounts-02-two-factor-enroll');
    enabledAt = stepNow();
    await confirm.getByLabel('Code from the app').fill(totp(secret, enabledAt));
    await confirm.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' });
    await codes.waitFor();
    equal(await codes.getByRole('listitem').count(), 10, 'recovery codes shown');
    await page.getByRole('button', { name: 'I saved them' }).click();
    await page.getByText('10 recovery codes are left').waitFor();
  });

  await check(`[${label}] accounts: signing in asks for the TOTP code after the password`, async () => {
    const ctx = await browser.newContext({ baseURL: base, viewport: { width: 390, height: 844 } });
    const p = await ctx.newPage();
    setPage(p);
    try {
      await p.goto('/login');
      await p.getByLabel('Email').fill(email);
      await p.getByLabel('Password').fill(password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      const code = p.getByLabel('Authentication code');
      await code.waitFor();
      equal(await me(ctx), 401, 'session before the code');
      await shot(p, 'accounts-03-login-code-390');
      // The code that turned it on is spent: the next step's is accepted.
      await code.fill(totp(secret, enabledAt));
      await p.getByRole('button', { name: 'Verify' }).click();
      await p.getByText('This code is wrong, expired or was used already').waitFor();
      await code.fill(totp(secret, Math.max(stepNow(), enabledAt + 1)));
      await p.getByRole('button', { name: 'Verify' }).click();
      await p.waitForURL((u) => !u.pathname.startsWith('/login'));
      equal(await me(ctx), 200, 'session after the code');
    } finally {
      setPage(page);
      await ctx.close();
    }
  });

  await check(`[${label}] accounts: the invitation page names the organization, the role and who invites`, async () => {
    const inv = await post('/invitations', { email: `invitee-${stamp}@example.com`, role: 'viewer' });
    const ctx = await browser.newContext({ baseURL: base });
    const p = await ctx.newPage();
    setPage(p);
    try {
      await p.goto(new URL(inv.accept_url).pathname);
      await p.getByRole('heading', { name: `Join ${organization} on Certinel` }).waitFor();
      const text = (await p.getByTestId('invitation-summary').textContent()).replace(/\s+/g, ' ');
      const want = `${email} invited you to join ${organization} as Viewer (reads only).`;
      if (!text.startsWith(want)) throw new Error(`invitation text: ${text}`);
      await shot(p, 'accounts-04-invitation');
      await p.goto('/invite/cnl_inv_not-a-real-token');
      await p.getByText('This invitation link no longer works').waitFor();
    } finally {
      setPage(page);
      await ctx.close();
    }
  });

  await check(`[${label}] accounts: without SMTP the forgot-password page says email reset is unavailable`, async () => {
    const ctx = await browser.newContext({ baseURL: base });
    const p = await ctx.newPage();
    setPage(p);
    try {
      await p.goto('/login');
      await p.getByRole('link', { name: 'Forgot your password?' }).click();
      await p.getByText('Email reset is unavailable on this server').waitFor();
      await shot(p, 'accounts-05-forgot-no-smtp');
    } finally {
      setPage(page);
      await ctx.close();
    }
  });
}
