// End-to-end steps for enrollment approval (issue 15): the owner turns on
// "Require approval of agent enrollments", an enrollment with a join token
// and a real ECDSA P-256 CSR (made by openssl) is held, the admin sees it
// on the Agents page with the key's fingerprint, approves it there, and the
// agent's poll returns a certificate for that key with the serial the
// dashboard showed. run.mjs runs it after its own scenario, or alone with
// E2E_SPEC=enrollment-approval.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from './session.mjs';

/** A fresh P-256 key's certificate request (PEM) and the key's SPKI fingerprint. */
function makeCSR() {
  const dir = mkdtempSync(join(tmpdir(), 'certinel-csr-'));
  try {
    const key = join(dir, 'key.pem');
    const csr = join(dir, 'csr.pem');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-subj', '/CN=certinel-agent', '-keyout', key, '-out', csr], { stdio: 'pipe' });
    const spki = execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-outform', 'DER'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { csr: readFileSync(csr, 'utf8'), fingerprint: `sha256:${createHash('sha256').update(spki).digest('hex')}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function enrollmentApproval({ label, server, browser, check, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  // The agent's side: plain fetch with the join token, no session.
  const asAgent = (path, token, body) =>
    fetch(`${base}/api/v1${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
  const agentName = `gate-${stamp}`;
  let agentId = '';
  let joinToken = '';
  let held = null;
  const key = makeCSR();
  let serialShown = '';

  await check(`[${label}] approval: the owner requires approval of agent enrollments`, async () => {
    await signup({ email: `approval-${stamp}@example.com`, password: 'correct horse battery', organization: 'Gatekeepers' });
    await page.goto('/organization');
    const toggle = page.getByLabel('Require approval of agent enrollments');
    equal(await toggle.isChecked(), false, 'approval required by default');
    await toggle.check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const org = await (await page.request.get(`${base}/api/v1/organization`)).json();
    equal(org.require_enrollment_approval, true, 'require_enrollment_approval after saving');
  });

  await check(`[${label}] approval: an enrollment with a join token is held, and the agent's poll waits`, async () => {
    agentId = (await post('/agents', { name: agentName })).id;
    joinToken = (await post(`/agents/${agentId}/join-tokens`, {})).token;
    const r = await asAgent('/agent/enroll', joinToken, { csr: key.csr });
    equal(r.status, 202, `POST /agent/enroll ${await r.clone().text()}`);
    held = await r.json();
    equal(held.status, 'pending', 'enrollment status');
    equal(held.key_fingerprint, key.fingerprint, 'fingerprint of the submitted key');
    const poll = await asAgent(`/agent/enrollments/${held.enrollment_id}`, joinToken);
    equal(poll.status, 202, 'poll while pending');
  });

  await check(`[${label}] approval: the admin sees it pending on the Agents page and approves it`, async () => {
    await page.goto('/agents');
    const table = page.getByRole('table', { name: 'Enrollments waiting for approval' });
    const row = table.getByRole('row').filter({ hasText: agentName });
    await row.getByText(key.fingerprint).waitFor();
    await shot(page, 'approval-01-pending');
    await row.getByRole('button', { name: `Approve the enrollment of ${agentName}` }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText(key.fingerprint).waitFor();
    await dialog.getByRole('button', { name: 'Approve enrollment' }).click();
    const notice = page.getByRole('status').filter({ hasText: `Enrollment of “${agentName}” approved.` });
    await notice.waitFor();
    serialShown = (await notice.locator('.mono').textContent()).trim();
    if (!/^[0-9a-f]+$/.test(serialShown)) throw new Error(`serial shown: ${JSON.stringify(serialShown)}`);
    await table.waitFor({ state: 'detached' });
    await shot(page, 'approval-02-approved');
  });

  await check(`[${label}] approval: the agent's poll returns the certificate for its key, as the dashboard said`, async () => {
    const poll = await asAgent(`/agent/enrollments/${held.enrollment_id}`, joinToken);
    equal(poll.status, 200, 'poll after approval');
    const got = await poll.json();
    equal(got.serial, serialShown, 'serial answered to the agent');
    const cert = new X509Certificate(got.certificate);
    const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
    equal(`sha256:${createHash('sha256').update(spki).digest('hex')}`, key.fingerprint, 'certificate key');
    const agent = await (await page.request.get(`${base}/api/v1/agents/${agentId}`)).json();
    equal(agent.certificate_serial, serialShown, "the agent's current certificate");
    const approved = await (await page.request.get(`${base}/api/v1/agent-enrollments?status=approved`)).json();
    equal(approved.items[0]?.decided_by, `approval-${stamp}@example.com`, 'decided by');
  });

  await ctx.close();
}
