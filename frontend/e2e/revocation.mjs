// End-to-end steps for revocation: two private CAs publish CRLs on a
// loopback HTTP server, one revoking a leaf a domain serves, the other
// past its next update. The server's revocation job (every 10 s here, see
// CERTINEL_REVOCATION_INTERVAL in run.mjs) finds both; the dashboard shows
// the revoked leaf on its domain's page, on its certificate's page and
// under the inventory's "Revoked" filter, and lists both CRLs with their
// health. run.mjs runs it after its other steps, or alone with
// E2E_SPEC=revocation.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { makeCA, makeCRL, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

const DAY = 86_400_000;

// serveCRLs answers GET /<name>.crl with the DER CRL of that name.
async function serveCRLs(crls) {
  const srv = createServer((req, res) => {
    const der = crls[req.url?.replace(/^\//, '').replace(/\.crl$/, '')];
    if (!der) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/pkix-crl', 'Content-Length': der.length }).end(der);
  });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  return { url: (name) => `http://127.0.0.1:${srv.address().port}/${name}.crl`, close: () => new Promise((ok) => srv.close(ok)) };
}

const sha256 = (b64) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');

export async function revocation({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log, width: 1440 });
  const crls = {};
  const cdp = await serveCRLs(crls);
  const revokingCA = makeCA(`Revoking CA ${stamp}`);
  const lapsedCA = makeCA(`Lapsed CA ${stamp}`);
  const revokedHost = `revoked-${stamp}.e2e.internal`;
  const lapsedHost = `lapsed-${stamp}.e2e.internal`;
  const revokedLeaf = makeLeaf(revokingCA, revokedHost, 60, 1, { crl: cdp.url('revoking') });
  const lapsedLeaf = makeLeaf(lapsedCA, lapsedHost, 60, 1, { crl: cdp.url('lapsed') });
  const revokedAt = new Date(Date.now() - 2 * DAY);
  crls.revoking = makeCRL(revokingCA, { revoked: [{ leaf: revokedLeaf, at: revokedAt, reason: 'keyCompromise' }] });
  crls.lapsed = makeCRL(lapsedCA, { lastUpdate: new Date(Date.now() - 8 * DAY), nextUpdate: new Date(Date.now() - DAY - 3_600_000) });
  const revokedSHA = sha256(revokedLeaf.der);
  const lapsedSHA = sha256(lapsedLeaf.der);
  let revokedDomain = '';

  try {
    await check(`[${label}] revocation: the server finds a revoked leaf and an expired CRL`, async () => {
      await signup({ email: `revocation-${stamp}@example.com`, password: 'correct horse battery', organization: 'Revocation Corp' });
      for (const ca of [revokingCA, lapsedCA]) await post('/ca-bundles', { name: ca.cert.subject.getField('CN').value, pem: ca.pem });
      const ag = await post('/agents', { name: `pki-${stamp}` });
      const tok = await post('/tokens', { name: 'agent key', scope: 'agent' });
      revokedDomain = (await post('/domains', { host: revokedHost, agent_id: ag.id })).id;
      const lapsedDomain = (await post('/domains', { host: lapsedHost, agent_id: ag.id })).id;
      const now = new Date().toISOString();
      const result = (id, leaf, ca) => ({ target_id: id, address: '10.0.0.9:443', observed_at: now, duration_ms: 12, tls_version: 'TLS 1.3',
        cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: [leaf.der, ca.der] });
      const res = await fetch(`${base}/api/v1/agent/results`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tok.token}`, 'X-Agent-Token': ag.token, 'User-Agent': 'certinel-agent/e2e-1.0', 'Content-Type': 'application/json' },
        body: JSON.stringify({ batch_id: `revocation-${stamp}`, agent_version: 'e2e-1.0',
          results: [result(revokedDomain, revokedLeaf, revokingCA), result(lapsedDomain, lapsedLeaf, lapsedCA)] }),
      });
      equal(res.status, 200, `POST /agent/results ${await res.text()}`);
      const state = async (sha) => (await (await page.request.get(`${base}/api/v1/certificates/${sha}`)).json()).revocation?.state;
      // Two job ticks at most: the first may start before the results were stored.
      await until('both leaves checked', async () => {
        const got = [await state(revokedSHA), await state(lapsedSHA)];
        return (got[0] === 'revoked' && got[1] === 'unavailable') || got.join(' ');
      }, 60_000);
    });

    await check(`[${label}] revocation: the domain's page says its leaf is revoked`, async () => {
      await page.goto(`/domains/${revokedDomain}`);
      await page.getByRole('heading', { name: new RegExp(revokedHost) }).waitFor();
      const fact = page.getByTestId('revocation');
      await until('revocation fact', async () => /^Revoked on .* \(key compromise\)$/.test(await fact.textContent()) || (await fact.textContent()));
      await shot(page, 'revocation-01-domain');
    });

    await check(`[${label}] revocation: the certificate's page says when, why and from which CRL`, async () => {
      await page.goto(`/certificates/${revokedSHA}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(revokedHost) }).waitFor();
      await page.getByText('Its CA has revoked this certificate.').waitFor();
      const status = (await page.getByTestId('revocation-status').textContent()).trim();
      if (!/^Revoked on .* for key compromise$/.test(status)) throw new Error(`revocation status reads ${JSON.stringify(status)}`);
      await page.getByText(`CRL at ${cdp.url('revoking')}`).waitFor();
      await page.getByRole('table', { name: 'Domains serving this certificate' }).getByRole('link', { name: `${revokedHost}:443` }).waitFor();
      await shot(page, 'revocation-02-certificate');
    });

    await check(`[${label}] revocation: the inventory's filters list the revoked and the unavailable, and a reload keeps them`, async () => {
      await page.goto('/certificates');
      const table = page.getByRole('table', { name: 'Certificates' });
      await table.getByRole('link', { name: lapsedHost, exact: true }).waitFor();
      await page.getByLabel('Revocation', { exact: true }).selectOption({ label: 'Revoked' });
      await page.waitForURL(/\?revocation=revoked$/);
      await until('only the revoked leaf listed', async () => {
        const rows = await table.getByRole('row').allTextContents();
        return (rows.length === 2 && rows[1].includes(revokedHost) && rows[1].includes('Revoked')) || rows.join(' | ');
      });
      await page.reload();
      await table.getByRole('link', { name: revokedHost, exact: true }).waitFor();
      equal(await page.getByLabel('Revocation', { exact: true }).inputValue(), 'revoked', 'filter after a reload');
      await shot(page, 'revocation-03-inventory-revoked');
      await page.getByLabel('Revocation', { exact: true }).selectOption({ label: 'Revocation unavailable' });
      await table.getByRole('link', { name: lapsedHost, exact: true }).click();
      await page.waitForURL(new RegExp(`/certificates/${lapsedSHA}$`));
      const status = page.getByTestId('revocation-status');
      await until('unavailable status', async () => /^Unavailable: the CRL expired on /.test(await status.textContent()) || (await status.textContent()));
    });

    await check(`[${label}] revocation: the Revocation sources section gives each CRL's health in words`, async () => {
      await page.goto('/certificates');
      const sources = page.getByRole('table', { name: 'Revocation sources' });
      const row = (url) => sources.getByRole('row').filter({ hasText: url });
      await row(cdp.url('revoking')).getByText(/^Fresh until /).waitFor();
      await row(cdp.url('revoking')).getByText(`Revoking CA ${stamp}`).waitFor();
      await row(cdp.url('lapsed')).getByText('Expired 1 day ago').waitFor();
      await sources.scrollIntoViewIfNeeded();
      await shot(page, 'revocation-04-sources');
    });
  } finally {
    await ctx.close();
    await cdp.close();
  }
}
