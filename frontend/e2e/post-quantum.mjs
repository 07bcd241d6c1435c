// End-to-end steps for post-quantum readiness: an agent reports one
// endpoint that negotiated the hybrid X25519MLKEM768 and one that
// negotiated classical X25519; a third is never checked. The overview's
// card counts one of each, its link lists only the ready endpoint, and the
// domain's page shows the protocol version and group with a badge. run.mjs
// runs it after its other steps, or alone with E2E_SPEC=post-quantum.
import { makeCA, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

export async function postQuantum({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  const ca = makeCA(`PQ CA ${stamp}`);
  const hosts = { hybrid: `hybrid-${stamp}.e2e.internal`, classical: `classical-${stamp}.e2e.internal`, never: `never-${stamp}.e2e.internal` };
  const ids = {};
  try {
    await check(`[${label}] post-quantum: an agent reports a hybrid and a classical key exchange`, async () => {
      await signup({ email: `pq-${stamp}@example.com`, password: 'correct horse battery', organization: 'PQ Corp' });
      const ag = await post('/agents', { name: `pq-${stamp}` });
      const tok = await post('/tokens', { name: 'agent key', scope: 'agent' });
      for (const [k, host] of Object.entries(hosts)) ids[k] = (await post('/domains', { host, agent_id: ag.id })).id;
      const now = new Date().toISOString();
      const result = (k, group) => ({ target_id: ids[k], address: '10.0.0.7:443', observed_at: now, duration_ms: 9, tls_version: 'TLS 1.3',
        cipher_suite: 'TLS_AES_128_GCM_SHA256', key_exchange: group, chain: [makeLeaf(ca, hosts[k], 60).der, ca.der] });
      const res = await fetch(`${base}/api/v1/agent/results`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tok.token}`, 'X-Agent-Token': ag.token, 'User-Agent': 'certinel-agent/e2e-1.0', 'Content-Type': 'application/json' },
        body: JSON.stringify({ batch_id: `pq-${stamp}`, agent_version: 'e2e-1.0', results: [result('hybrid', 'X25519MLKEM768'), result('classical', 'X25519')] }),
      });
      equal(res.status, 200, `POST /agent/results ${await res.text()}`);
    });

    await check(`[${label}] post-quantum: the overview counts ready, classical and unknown, and links to the ready ones`, async () => {
      await page.goto('/');
      const card = page.getByRole('region', { name: 'Post-quantum readiness' });
      const row = (name) => card.getByRole('listitem').filter({ has: page.getByRole('link', { name }) });
      await until('readiness counts', async () => {
        const got = [await row('Post-quantum ready').textContent(), await row('Classical key exchange only').textContent(), await row('Key exchange unknown').textContent()];
        return (got[0].endsWith('1') && got[1].endsWith('1') && got[2].endsWith('1')) || got.join(' | ');
      });
      await card.scrollIntoViewIfNeeded();
      await shot(page, 'post-quantum-01-overview');
      await card.getByRole('link', { name: 'Post-quantum ready' }).click();
      await page.waitForURL(/\/domains\?post_quantum=true$/);
      await page.getByRole('button', { name: 'Remove the post-quantum filter' }).waitFor();
      const table = page.getByRole('table');
      await until('only the hybrid endpoint listed', async () => {
        const rows = await table.getByRole('row').allTextContents();
        return (rows.length === 2 && rows[1].includes(hosts.hybrid)) || rows.join(' | ');
      });
      await shot(page, 'post-quantum-02-filtered');
    });

    await check(`[${label}] post-quantum: the domain shows its TLS version and key exchange with a badge`, async () => {
      await page.getByRole('link', { name: new RegExp(hosts.hybrid) }).first().click();
      await page.getByRole('heading', { name: new RegExp(hosts.hybrid) }).waitFor();
      const fact = page.getByTestId('key-exchange');
      await until('key exchange fact', async () => /X25519MLKEM768\s*Post-quantum/.test(await fact.textContent()) || (await fact.textContent()));
      equal((await page.getByTestId('tls-version').textContent()).trim(), 'TLS versionTLS 1.3', 'TLS version fact');
      await shot(page, 'post-quantum-03-domain');
    });
  } finally {
    await ctx.close();
  }
}
