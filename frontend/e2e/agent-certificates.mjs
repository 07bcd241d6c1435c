// End-to-end steps for agent certificates: an admin creates a join token in
// the dashboard and reads the enroll command; the test enrolls with it
// through the real API (a CSR for an ECDSA P-256 key made here, as the agent
// does), sees the certificate on the agent's page, revokes it there and sees
// it revoked. run.mjs runs it after its other steps, or alone with
// E2E_SPEC=agent-certificates.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signupWithin } from './session.mjs';

// csrFor makes a key the way the agent does (ECDSA P-256) and a
// certificate request signed by it, with openssl.
function csrFor() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const dir = mkdtempSync(join(tmpdir(), 'certinel-e2e-csr-'));
  try {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey, { mode: 0o600 });
    const r = spawnSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/CN=agent', '-sha256'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req: ${r.error ?? r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function agentCertificates({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, baseURL: base });
  ctx.setDefaultTimeout(10_000);
  const page = await ctx.newPage();
  setPage(page);
  page.on('pageerror', (e) => log('[page error]', e.message));
  const agent = `vault-${stamp}`;
  let agentId = '';
  let token = '';
  let serial = '';

  await check(`[${label}] certificates: a join token made in the dashboard comes with its enroll command`, async () => {
    const r = await signupWithin(page, base, { email: `pki-${stamp}@example.com`, password: 'correct horse battery', organization: 'PKI Corp' }, log);
    equal(r.status(), 201, 'signup');
    const csrf = (await r.json()).csrf_token;
    const created = await page.request.post(`${base}/api/v1/agents`, { headers: { 'X-CSRF-Token': csrf }, data: { name: agent } });
    equal(created.status(), 201, 'create agent');
    agentId = (await created.json()).id;

    await page.goto('/agents');
    const row = page.getByRole('row').filter({ hasText: agent });
    await row.getByText('Token', { exact: true }).waitFor();
    await row.getByRole('link', { name: `Certificates of ${agent}` }).click();
    await page.getByRole('heading', { name: `Certificates of “${agent}”` }).waitFor();
    await page.getByText('No certificates yet').waitFor();
    await page.getByRole('button', { name: 'Create join token' }).click();
    const dialog = page.getByRole('dialog', { name: `Join token for “${agent}”` });
    await dialog.getByText(/Valid for 1 hour, single use/).waitFor();
    const command = (await dialog.getByLabel('Enroll command').textContent()).trim();
    const m = /^certinel-agent enroll --server (\S+) --join-token (cnl_join_\S+)$/.exec(command);
    if (!m) throw new Error(`enroll command looks wrong: ${command}`);
    equal(m[1], base, 'server in the enroll command');
    token = m[2];
    await dialog.getByText("Pin this server's key (--server-pin)").click();
    await dialog.getByLabel('Server pin command').waitFor();
    await shot(page, 'agent-cert-01-join-token');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    if ((await page.content()).includes(token)) throw new Error('the join token is still on the page after Done');
  });

  await check(`[${label}] certificates: enrolling with the token shows the certificate on the agent`, async () => {
    const enroll = () =>
      fetch(`${base}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'User-Agent': 'certinel-agent/e2e-1.0' },
        body: JSON.stringify({ csr: csrFor() }),
      });
    const res = await enroll();
    equal(res.status, 200, 'POST /agent/enroll');
    const issued = await res.json();
    serial = issued.serial;
    if (!/^[0-9a-f]+$/.test(serial) || !issued.certificate.includes('BEGIN CERTIFICATE')) throw new Error(`enrollment answer: ${JSON.stringify(issued)}`);
    equal((await enroll()).status, 401, 'the join token a second time');

    await page.reload();
    const current = page.getByRole('region', { name: 'Current certificate' });
    await current.getByText('Client certificate').waitFor();
    await current.getByText(serial, { exact: true }).waitFor();
    const days = Math.floor((new Date(issued.not_after).getTime() - Date.now()) / 86_400_000);
    await current.getByText(`${days} days left`).waitFor();
    const row = page.getByRole('row').filter({ hasText: serial });
    await row.getByText('Current', { exact: true }).waitFor();
    await row.getByText('Enrolled with a join token').waitFor();
    await shot(page, 'agent-cert-02-enrolled');
  });

  await check(`[${label}] certificates: revoking the certificate in the dashboard shows it revoked`, async () => {
    await page.getByRole('button', { name: `Revoke certificate ${serial}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Revoke certificate ${serial}?` });
    await dialog.getByText(/current certificate: the agent stops working until it enrolls again/).waitFor();
    await shot(page, 'agent-cert-03-revoke-confirm');
    await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: serial });
    await row.getByText('Revoked', { exact: true }).waitFor();
    equal(await row.getByRole('button', { name: /Revoke/ }).count(), 0, 'revoke buttons on the revoked certificate');
    await page.getByRole('region', { name: 'Current certificate' }).getByText('Token', { exact: true }).waitFor();
    // The server agrees, and publishes it.
    const list = await (await page.request.get(`${base}/api/v1/agents/${agentId}/certificates`)).json();
    equal(list.items[0]?.status, 'revoked', 'status by the API');
    await until('the CRL lists the serial', async () => {
      const crl = spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], {
        input: Buffer.from(await (await fetch(`${base}/pki/crl.der`)).arrayBuffer()),
      });
      const hex = (serial.length % 2 ? '0' : '') + serial;
      return crl.stdout.toString().includes(`Serial Number: ${hex.toUpperCase()}`) || crl.stdout.toString().slice(0, 200);
    });
    await shot(page, 'agent-cert-04-revoked');
  });

  await ctx.close();
}
