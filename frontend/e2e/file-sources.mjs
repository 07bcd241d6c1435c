// End-to-end steps for certificates read from files on an agent's host: an
// agent pushes a PEM file's chain that expires in 20 days and a keystore it
// could not open. The Files page lists both as host:path (entry) with their
// status and days left, words the keystore's error for people, and links
// the certificate. run.mjs runs it after its other steps, or alone with
// E2E_SPEC=file-sources.
import { makeCA, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

export async function fileSources({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  const ca = makeCA(`Files CA ${stamp}`);
  const host = `build-${stamp}`;
  const leaf = makeLeaf(ca, `app-${stamp}.e2e.internal`, 20);
  try {
    await check(`[${label}] file sources: an agent pushes a PEM file and an unreadable keystore`, async () => {
      await signup({ email: `files-${stamp}@example.com`, password: 'correct horse battery', organization: 'Files Corp' });
      const ag = await post('/agents', { name: `files-${stamp}` });
      const tok = await post('/tokens', { name: 'agent key', scope: 'agent' });
      const now = new Date().toISOString();
      const res = await fetch(`${base}/api/v1/agent/results`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tok.token}`, 'X-Agent-Token': ag.token, 'User-Agent': 'certinel-agent/e2e-1.0', 'Content-Type': 'application/json' },
        body: JSON.stringify({ batch_id: `files-${stamp}`, agent_version: 'e2e-1.0', results: [
          { address: '', observed_at: now, duration_ms: 1, chain: [leaf.der, ca.der], file: { host, path: '/etc/ssl/app.pem', format: 'pem' } },
          { address: '', observed_at: now, duration_ms: 1, chain: [], error: 'pkcs12: decryption password incorrect', error_kind: 'file_password',
            file: { host, path: '/opt/app/keystore.p12', entry: 'server', format: 'pkcs12' } },
        ] }),
      });
      const body = await res.text();
      equal(res.status, 200, `POST /agent/results ${body}`);
      equal(JSON.parse(body).accepted, 2, `accepted ${body}`);
    });

    await check(`[${label}] file sources: the Files page lists both items with their status`, async () => {
      await page.goto('/');
      await page.getByRole('link', { name: 'Files' }).first().click();
      await page.waitForURL(/\/files$/);
      const table = page.getByRole('table', { name: 'File sources' });
      await until('two file items', async () => {
        const rows = await table.getByRole('row').allTextContents();
        return rows.length === 3 || rows.join(' | ');
      });
      const pem = table.getByRole('row').filter({ has: page.getByRole('link', { name: `${host}:/etc/ssl/app.pem` }) });
      const p12 = table.getByRole('row').filter({ has: page.getByRole('link', { name: `${host}:/opt/app/keystore.p12 (server)` }) });
      const days = await pem.getByLabel(/^Days left:/).getAttribute('aria-label');
      equal(/^Days left: (19|20) days$/.test(days), true, `days left of the PEM item: ${days}`);
      const p12Text = await p12.textContent();
      equal(p12Text.includes('Unreachable') && p12Text.includes('The keystore password is missing or wrong'), true, `keystore row: ${p12Text}`);
      await shot(page, 'file-sources-01-list');
    });

    await check(`[${label}] file sources: the certificate link opens the certificate`, async () => {
      const table = page.getByRole('table', { name: 'File sources' });
      await table.getByRole('row').filter({ hasText: '/etc/ssl/app.pem' }).getByRole('link').nth(1).click();
      await page.waitForURL(/\/certificates\/[0-9a-f]{64}$/);
      await shot(page, 'file-sources-02-certificate');
    });
  } finally {
    await ctx.close();
  }
}
