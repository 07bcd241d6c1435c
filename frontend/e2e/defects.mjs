// End-to-end steps for the dashboard defects of issue 17, one step per
// defect, each failing on the dashboard before its fix: a bulk selection
// that outlived a filter change; filters that lost each other or applied
// only on Enter; list state missing from the URL; misleading or raw text
// (an expired certificate "on schedule", Go x509 errors and codes such as
// expired_chain, "Not checked yet" after a check, "All 1 agent", a 7-day
// invitation "in 6 days", raw key usages and trust codes); a viewer offered
// controls the server refuses; host names sorted as text, not naturally.
// run.mjs runs it after its other steps, or alone with E2E_SPEC=defects.
import { createHash } from 'node:crypto';
import { makeCA, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

const sha256 = (b64) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');

export async function defects({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log, width: 1440 });
  const get = async (path) => (await page.request.get(`${base}/api/v1${path}`)).json();
  const rows = page.locator('table[aria-busy] tbody tr');
  const hostsShown = async () => (await rows.locator('td:nth-child(2) a').allTextContents()).map((t) => t.replace(/:443$/, ''));
  const query = () => new URL(page.url()).searchParams;
  const ids = {};
  let viewerCtx;

  try {
    await check(`[${label}] defects: a selection clears when the filter changes, and the dialog names what is deleted`, async () => {
      await signup({ email: `defects-${stamp}@example.com`, password: 'correct horse battery', organization: 'Defects Corp' });
      // The organization's one agent reports on a few domains only (below):
      // the others stay pending.
      ids.agent = await post('/agents', { name: `defects-${stamp}` });
      ids.idle = ids.agent.id;
      for (const h of ['keep-a', 'keep-b', 'keep-c']) await post('/domains', { host: `${h}.${stamp}.e2e.internal`, tags: ['prod'], agent_id: ids.idle });
      for (const h of ['drop-a', 'drop-b', 'drop-c']) await post('/domains', { host: `${h}.${stamp}.e2e.internal`, agent_id: ids.idle });
      await page.goto('/domains?sort=host');
      await until('six rows', async () => (await rows.count()) === 6 || (await rows.count()));
      await page.getByRole('checkbox', { name: /^Select (all|the 6 domains) on this page$/ }).check();
      await page.getByLabel('Search domains').fill('keep-');
      await until('three rows', async () => (await rows.count()) === 3 || (await rows.count()));
      equal(await page.getByRole('region', { name: 'Bulk actions' }).count(), 0, 'bulk bar after the filter changed');
      await page.getByRole('checkbox', { name: /^Select (all|the 3 domains) on this page$/ }).check();
      await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Delete selected' }).click();
      const dialog = page.getByRole('alertdialog');
      equal(await dialog.getByRole('heading').first().textContent(), 'Delete 3 domains?', 'dialog title');
      const names = await dialog.getByRole('list', { name: 'Domains to delete' }).getByRole('listitem').allTextContents();
      equal(names.join(' '), ['a', 'b', 'c'].map((x) => `keep-${x}.${stamp}.e2e.internal:443`).join(' '), 'names in the dialog');
      await dialog.getByRole('button', { name: 'Delete 3 domains' }).click();
      await until('deleted', async () => (await get('/domains?per_page=50')).total === 3 || (await get('/domains')).total);
      const left = (await get('/domains?per_page=50&sort=host')).items.map((d) => d.host.split('.')[0]);
      equal(left.join(' '), 'drop-a drop-b drop-c', 'domains left');
    });

    await check(`[${label}] defects: clearing the search then choosing a status keeps both, the tag applies as typed, all in the URL`, async () => {
      for (const h of ['tag-a', 'tag-b']) await post('/domains', { host: `${h}.${stamp}.e2e.internal`, tags: ['prod'], agent_id: ids.idle });
      await page.goto('/domains?q=drop-');
      await until('three rows', async () => (await rows.count()) === 3 || (await rows.count()));
      await page.getByLabel('Search domains').fill('');
      // Chosen before the search's debounce lands.
      await page.getByLabel('Status').selectOption('pending');
      await until('search cleared in the URL', async () => !query().has('q') || query().toString());
      equal(query().get('status'), 'pending', 'status in the URL once the search cleared');
      equal(await page.getByLabel('Status').inputValue(), 'pending', 'status shown');
      // No Enter, no blur: the tag applies as one types.
      await page.getByLabel('Tag', { exact: true }).pressSequentially('prod');
      await until('tag in the URL', async () => query().get('tag') === 'prod' || query().toString());
      await until('two rows', async () => (await rows.count()) === 2 || (await rows.count()));
      await page.getByLabel('Per page').selectOption('25');
      await until('page size in the URL', async () => query().get('per_page') === '25' || query().toString());
      await page.reload();
      await until('two rows after reload', async () => (await rows.count()) === 2 || (await rows.count()));
      equal(await page.getByLabel('Tag', { exact: true }).inputValue(), 'prod', 'tag after reload');
      equal(await page.getByLabel('Status').inputValue(), 'pending', 'status after reload');
      equal(await page.getByLabel('Per page').inputValue(), '25', 'page size after reload');
    });

    await check(`[${label}] defects: hosts sort naturally, with page size and jump to page`, async () => {
      const hosts = ['127.0.1.100', '127.0.1.15', '127.0.1.9'];
      for (const h of hosts) await post('/domains', { host: h, tags: ['ip'] });
      for (let i = 0; i < 26; i++) await post('/domains', { host: `bulk-${i}.${stamp}.e2e.internal`, tags: ['bulk'] });
      await page.goto('/domains?tag=ip&sort=host');
      await until('three addresses', async () => (await rows.count()) === 3 || (await rows.count()));
      equal((await hostsShown()).join(' '), '127.0.1.9 127.0.1.15 127.0.1.100', 'host order');
      await page.goto('/domains?tag=bulk&sort=host&per_page=25');
      await until('a page of 25', async () => (await rows.count()) === 25 || (await rows.count()));
      await page.getByLabel('Go to page').fill('2');
      await page.getByRole('button', { name: 'Go', exact: true }).click();
      await until('page 2', async () => (await rows.count()) === 1 || (await rows.count()));
      equal(query().get('page'), '2', 'page in the URL');
      equal((await hostsShown()).join(' '), `bulk-25.${stamp}.e2e.internal`, 'last of the natural order');
    });

    // An agent reports three endpoints: an expired leaf whose chain never
    // was valid as a whole (expired_chain, a raw x509 reason), a healthy
    // leaf of the organization's CA, and a refused connection.
    const ca = makeCA(`Defects CA ${stamp}`);
    const expiredHost = `expired-${stamp}.e2e.internal`;
    const goodHost = `good-${stamp}.e2e.internal`;
    const downHost = `down-${stamp}.e2e.internal`;
    const expired = makeLeaf(ca, expiredHost, -3, 90);
    const good = makeLeaf(ca, goodHost, 60, 1);
    await check(`[${label}] defects: an agent reports an expired, a healthy and an unreachable endpoint`, async () => {
      await post('/ca-bundles', { name: `Defects CA ${stamp}`, pem: ca.pem });
      const ag = ids.agent;
      const tok = await post('/tokens', { name: 'agent key', scope: 'agent' });
      for (const h of [expiredHost, goodHost, downHost]) ids[h] = (await post('/domains', { host: h, agent_id: ag.id })).id;
      const headers = { Authorization: `Bearer ${tok.token}`, 'X-Agent-Token': ag.token, 'User-Agent': 'certinel-agent/e2e-1.0', 'Content-Type': 'application/json' };
      equal((await fetch(`${base}/api/v1/agent/targets`, { headers })).status, 200, 'GET /agent/targets');
      const now = new Date().toISOString();
      const ok = (h, leaf) => ({ target_id: ids[h], address: '10.0.0.9:443', observed_at: now, duration_ms: 12, tls_version: 'TLS 1.3',
        cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: [leaf.der, ca.der] });
      const res = await fetch(`${base}/api/v1/agent/results`, {
        method: 'POST', headers,
        body: JSON.stringify({ batch_id: `defects-${stamp}`, agent_version: 'e2e-1.0', results: [ok(expiredHost, expired), ok(goodHost, good),
          { target_id: ids[downHost], address: '10.0.0.9:443', observed_at: now, duration_ms: 3, chain: [], error: 'dial tcp 10.0.0.9:443: connect: connection refused' }] }),
      });
      equal(res.status, 200, `POST /agent/results ${await res.text()}`);
      await until('checked', async () => (await get(`/domains/${ids[downHost]}`)).status === 'unreachable' || (await get(`/domains/${ids[downHost]}`)).status);
    });

    await check(`[${label}] defects: an expired certificate's page words its state, never "Renewal ✓" or a raw code or x509 text`, async () => {
      await page.goto(`/domains/${ids[expiredHost]}`);
      const verdicts = page.getByRole('list', { name: 'Verdicts' });
      await verdicts.waitFor();
      const renewal = verdicts.getByRole('listitem').filter({ hasText: 'Renewal' });
      const text = await renewal.innerText();
      if (!/Missed/.test(text)) throw new Error(`renewal verdict on an expired certificate: ${text}`);
      const seen = await page.locator('main').innerText();
      for (const raw of ['expired_chain', 'x509:', 'trusted_org_ca']) if (seen.includes(raw)) throw new Error(`the page shows ${raw}`);
      await shot(page, 'defects-01-expired');
    });

    await check(`[${label}] defects: an unreachable endpoint says what failed in words, not "Not checked yet"`, async () => {
      await page.goto(`/domains/${ids[downHost]}`);
      await page.getByRole('heading', { name: new RegExp(downHost) }).waitFor();
      const seen = await page.locator('main').innerText();
      if (seen.includes('Not checked yet')) throw new Error('says "Not checked yet" after a check');
      if (seen.includes('dial tcp')) throw new Error('shows the raw Go error');
      if (!seen.includes('refused the connection')) throw new Error(`no worded error in: ${seen.slice(0, 400)}`);
    });

    await check(`[${label}] defects: certificate pages word trust and key usage`, async () => {
      await page.goto(`/certificates/${sha256(good.der)}`);
      await page.getByText('Used for').waitFor();
      const seen = await page.locator('main').innerText();
      if (seen.includes('server_auth')) throw new Error('shows server_auth');
      if (!seen.includes('TLS server authentication')) throw new Error('no worded key usage');
      await page.goto('/certificates');
      await page.getByRole('link', { name: goodHost, exact: true }).first().waitFor();
      const list = await page.locator('main').innerText();
      for (const raw of ['trusted org ca', 'expired chain']) if (list.includes(raw)) throw new Error(`the inventory shows "${raw}"`);
    });

    await check(`[${label}] defects: one online agent is not "All 1 agent"; a 7-day invitation reads "in 7 days"`, async () => {
      const inv = await post('/invitations', { email: `viewer-${stamp}@example.com`, role: 'viewer' });
      ids.invitation = inv.accept_url.slice(inv.accept_url.lastIndexOf('/') + 1);
      await page.goto('/');
      await until('agents line', async () => (await page.locator('main').innerText()).includes('online'));
      const seen = await page.locator('main').innerText();
      if (/All 1 agent/.test(seen)) throw new Error('says "All 1 agent"');
      await page.goto('/members');
      const row = page.getByRole('row').filter({ hasText: `viewer-${stamp}@example.com` });
      await until('invitation expiry', async () => (await row.innerText()).includes('in 7 days') || (await row.innerText()));
    });

    await check(`[${label}] defects: a viewer sees create, delete and revoke disabled, saying who may`, async () => {
      viewerCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: base });
      viewerCtx.setDefaultTimeout(10_000);
      const vp = await viewerCtx.newPage();
      setPage(vp);
      const r = await vp.request.post(`${base}/api/v1/invitations/accept`, { data: { token: ids.invitation, password: 'viewer long password' } });
      equal(r.status(), 200, `accept ${await r.text()}`);
      const disabledSaying = async (button, why) => {
        await button.waitFor();
        equal(await button.isDisabled(), true, `${why}: disabled`);
        equal(await button.getAttribute('title'), why, 'tooltip');
      };
      await vp.goto('/agents');
      await disabledSaying(vp.getByRole('button', { name: 'Create agent' }), 'Only admins and owners can create agents.');
      await disabledSaying(vp.getByRole('button', { name: `Delete defects-${stamp}` }), 'Only admins and owners can delete agents.');
      await vp.goto('/tokens');
      await disabledSaying(vp.getByRole('button', { name: 'Create token' }), 'Only admins and owners can create API tokens.');
      await disabledSaying(vp.getByRole('button', { name: 'Revoke agent key' }), 'Only admins and owners can revoke API tokens.');
      await vp.goto('/domains');
      await disabledSaying(vp.getByRole('button', { name: 'Add domain' }), 'Only members, admins and owners can add domains.');
      equal(await vp.getByRole('checkbox', { name: /^Select / }).count(), 0, 'selection checkboxes for a viewer');
      await vp.goto(`/domains/${ids[goodHost]}`);
      await disabledSaying(vp.getByRole('button', { name: 'Delete', exact: true }), 'Only members, admins and owners can delete domains.');
      await shot(vp, 'defects-02-viewer-domain');
      setPage(page);
    });
  } finally {
    await viewerCtx?.close();
    await ctx.close();
  }
}
