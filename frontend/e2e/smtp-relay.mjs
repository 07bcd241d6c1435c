// End-to-end steps for issue 19's SMTP part: the e2e server has no SMTP relay
// of its own (no CERTINEL_SMTP_*), so a new organization's default email
// channel shows "Not deliverable" with a link to the owner's Email relay
// settings. The owner sets a relay there pointing at a loopback SMTP receiver
// (reachable because run.mjs starts the server with
// CERTINEL_ALLOW_PRIVATE_TARGETS=true), sends a test that arrives, and the
// channel is deliverable again. The password is never shown back.
// run.mjs runs it after its other steps, or alone with E2E_SPEC=smtp-relay.
import { createServer } from 'node:net';
import { openSession } from './session.mjs';

// A minimal SMTP receiver on loopback: enough of RFC 5321 for one client to
// hand over messages, which it keeps (envelope and data) for the checks.
async function startSMTPReceiver() {
  const messages = [];
  const srv = createServer((sock) => {
    sock.setEncoding('latin1');
    let buf = '';
    let data = null;
    let env = { from: '', to: [] };
    const say = (line) => sock.write(`${line}\r\n`);
    say('220 e2e.test ESMTP');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (data !== null) {
          if (line === '.') {
            messages.push({ ...env, data: data.join('\r\n') });
            data = null;
            env = { from: '', to: [] };
            say('250 2.0.0 queued');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-e2e.test\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') say('250 e2e.test');
        else if (verb === 'MAIL') (env.from = /<([^>]*)>/.exec(line)?.[1] ?? ''), say('250 2.1.0 ok');
        else if (verb === 'RCPT') env.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''), say('250 2.1.5 ok');
        else if (verb === 'DATA') (data = []), say('354 end with .');
        else if (verb === 'RSET') (env = { from: '', to: [] }), say('250 ok');
        else if (verb === 'NOOP') say('250 ok');
        else if (verb === 'QUIT') say('221 bye'), sock.end();
        else say('502 5.5.2 not implemented');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  return { port: srv.address().port, messages, close: () => new Promise((ok) => srv.close(ok)) };
}

export async function smtpRelay({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const owner = `relay-${stamp}@example.com`;
  const password = `relay-pass-${stamp}`;
  const smtp = await startSMTPReceiver();
  const { ctx, page, signup } = await openSession({ browser, base, equal, setPage, log, width: 1360 });
  try {
    await check(`[${label}] smtp relay: without any relay the default email channel is not deliverable and links to the owner's settings`, async () => {
      await signup({ email: owner, password: 'correct horse battery', organization: 'Relay Corp' });
      await page.goto('/alerts');
      const row = page.getByRole('article').filter({ hasText: owner });
      await row.getByText('Not deliverable').waitFor();
      await row.getByRole('link', { name: 'Set the organization’s email relay' }).click();
      await page.getByRole('heading', { name: 'Email relay (SMTP)' }).waitFor();
      equal(new URL(page.url()).pathname + new URL(page.url()).hash, '/organization#email-relay', 'the link lands on the relay section');
    });

    await check(`[${label}] smtp relay: the owner sets a loopback relay, the test mail arrives, the password is never shown`, async () => {
      const form = page.getByRole('form', { name: 'Email relay' });
      await form.getByLabel('Host').fill('127.0.0.1');
      await form.getByLabel('TLS').selectOption('none');
      await form.getByLabel('Port').fill(String(smtp.port));
      await form.getByLabel('From address').fill('Relay Corp <alerts@relay.example>');
      await form.getByLabel('Username').fill('');
      await form.getByLabel('Password', { exact: true }).fill(password);
      await form.getByRole('button', { name: 'Save relay' }).click();
      await form.getByText('Email relay saved.').waitFor();
      equal(await form.getByLabel('Password', { exact: true }).getAttribute('placeholder'), 'Stored — leave empty to keep', 'password placeholder once stored');
      const stored = await page.request.get(`${base}/api/v1/organization/smtp-relay`);
      const text = await stored.text();
      if (text.includes(password)) throw new Error(`GET answers the password: ${text}`);
      equal((await stored.json()).has_password, true, 'has_password');

      await form.getByRole('button', { name: 'Send test' }).click();
      await form.getByText(`The relay accepted the test message for ${owner}.`).waitFor();
      await until('the test mail reaches the loopback receiver', async () => smtp.messages.length >= 1);
      equal(smtp.messages[0].to.join(','), owner, 'test mail recipient');
      equal(smtp.messages[0].from, 'alerts@relay.example', 'test mail sender');
      await shot(page, 'smtp-relay');
    });

    await check(`[${label}] smtp relay: with the organization's relay the default email channel is deliverable`, async () => {
      await page.goto('/alerts');
      const row = page.getByRole('article').filter({ hasText: owner });
      await row.getByRole('button', { name: /^Send test to / }).waitFor();
      equal(await row.getByText('Not deliverable').count(), 0, '"Not deliverable" notices');
      await row.getByRole('button', { name: /^Send test to / }).click();
      await row.getByText(/Test delivered in/).waitFor();
      await until('the channel test reaches the loopback receiver', async () => smtp.messages.length >= 2);
    });
  } finally {
    await ctx.close();
    await smtp.close();
  }
}
