// End-to-end steps for the backends of a load-balanced name: an agent
// pushes one check per address the name resolved to, 127.0.0.1 serving the
// renewed certificate and 127.0.0.2 the one it replaced. The domain's page
// lists both backends and flags the second for failed uptake, and the
// default rule opens one stale_backend alert naming it. run.mjs runs it
// after its other steps, or alone with E2E_SPEC=backends.
import { makeCA, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

export async function backends({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  const ca = makeCA(`Backends CA ${stamp}`);
  const host = `lb-${stamp}.e2e.internal`;
  const renewed = makeLeaf(ca, host, 89, 1);
  const replaced = makeLeaf(ca, host, 30, 60);
  let domainID = '';
  try {
    await check(`[${label}] backends: an agent pushes a check of each address behind a name`, async () => {
      await signup({ email: `backends-${stamp}@example.com`, password: 'correct horse battery', organization: 'Backends Corp' });
      const ag = await post('/agents', { name: `lb-${stamp}` });
      const tok = await post('/tokens', { name: 'agent key', scope: 'agent' });
      domainID = (await post('/domains', { host, agent_id: ag.id })).id;
      const at = Date.now();
      const result = (address, leaf, ms) => ({ target_id: domainID, address, observed_at: new Date(at + ms).toISOString(), duration_ms: 3,
        tls_version: 'TLS 1.3', cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: [leaf.der, ca.der] });
      const res = await fetch(`${base}/api/v1/agent/results`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tok.token}`, 'X-Agent-Token': ag.token, 'User-Agent': 'certinel-agent/e2e-1.0', 'Content-Type': 'application/json' },
        body: JSON.stringify({ batch_id: `backends-${stamp}`, agent_version: 'e2e-1.0', results: [
          result('127.0.0.1:443', renewed, 0), result('127.0.0.2:443', replaced, 1),
        ] }),
      });
      const body = await res.text();
      equal(res.status, 200, `POST /agent/results ${body}`);
      equal(JSON.parse(body).accepted, 2, `accepted ${body}`);
    });

    await check(`[${label}] backends: the domain's page lists both and flags the older one`, async () => {
      await page.goto(`/domains/${domainID}`);
      const table = page.getByTestId('backends');
      const row = (address) => table.locator(`tr[data-address="${address}"]`);
      await row('127.0.0.2').waitFor();
      const fresh = await row('127.0.0.1').textContent();
      const stale = await row('127.0.0.2').textContent();
      const flag = 'Serves an older certificate (failed uptake)';
      equal(stale.includes(flag), true, `127.0.0.2 row: ${stale}`);
      equal(fresh.includes(flag), false, `127.0.0.1 row: ${fresh}`);
      equal(await table.locator('tbody tr').count(), 2, 'backend rows');
      await shot(page, 'backends-01-domain');
    });

    await check(`[${label}] backends: one failed-uptake alert names the stale backend`, async () => {
      await until('the stale_backend alert', async () => {
        const items = (await (await page.request.get(`${base}/api/v1/events?domain_id=${domainID}`)).json()).items;
        const stale = items.filter((e) => e.type === 'stale_backend');
        if (stale.length !== 1) return `${stale.length} stale_backend events among ${items.map((e) => e.type).join(', ')}`;
        return (stale[0].state === 'open' && stale[0].event.detail.includes('127.0.0.2') && !stale[0].event.detail.includes('127.0.0.1')) || stale[0];
      }, 30_000);
    });
  } finally {
    await ctx.close();
  }
}
