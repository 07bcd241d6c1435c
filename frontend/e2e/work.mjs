// End-to-end steps for daily work: the onboarding checklist ticks as a new
// organization takes its first steps; the audit log filters by who and what
// and exports that as CSV; the certificate inventory filters by tag and
// agent; a domain shows its recent checks as a strip.
// run.mjs runs it after its own scenario, or alone with E2E_SPEC=work.
import { makeCA, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

export async function dailyWork({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  const ca = makeCA(`Work CA ${stamp}`);
  const prodHost = `prod-${stamp}.work.internal`;
  const devHost = `dev-${stamp}.work.internal`;
  const prodLeaf = makeLeaf(ca, prodHost, 60);
  const devLeaf = makeLeaf(ca, devHost, 45);
  let agents = [];
  let domains = {};
  const steps = (done) => page.getByText(`${done} of 4 done`);

  const push = async (agent, results, batch) => {
    const res = await fetch(`${base}/api/v1/agent/results`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${agent.key}`, 'X-Agent-Token': agent.token, 'User-Agent': 'certinel-agent/e2e-1.0', 'Content-Type': 'application/json' },
      body: JSON.stringify({ batch_id: `${batch}-${stamp}`, agent_version: 'e2e-1.0', results }),
    });
    equal(res.status, 200, `POST /agent/results ${await res.text()}`);
  };
  const served = (id, leaf, at = new Date()) => ({ target_id: id, address: '10.0.0.7:443', observed_at: at.toISOString(), duration_ms: 9,
    tls_version: 'TLS 1.3', cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: [leaf.der, ca.der] });

  try {
    await check(`[${label}] work: a new organization's overview is a checklist that ticks as steps are taken`, async () => {
      await signup({ email: `work-${stamp}@example.com`, password: 'correct horse battery', organization: 'Work Corp' });
      await page.goto('/');
      await page.getByRole('heading', { name: 'Get started' }).waitFor();
      await steps(0).waitFor();
      equal(await page.getByText('Forgotten renewals').count(), 0, 'zero cards before the first domain');
      await page.getByRole('link', { name: 'Create an agent' }).click();
      await page.waitForURL(/\/agents$/);
      const key = (await post('/tokens', { name: `=HYPERLINK("x") ${stamp}`, scope: 'agent' })).token;
      for (const name of [`dc1-${stamp}`, `dc2-${stamp}`]) {
        const ag = await post('/agents', { name });
        agents.push({ id: ag.id, name, token: ag.token, key });
      }
      await page.goto('/');
      await steps(1).waitFor();
      equal(await page.locator('[data-step="agent"].onboarding-done').count(), 1, 'agent step ticked');
      await shot(page, 'work-01-checklist');
      domains.prod = (await post('/domains', { host: prodHost, agent_id: agents[0].id, tags: ['prod'] })).id;
      domains.dev = (await post('/domains', { host: devHost, agent_id: agents[1].id, tags: ['dev'] })).id;
      await post('/channels', { type: 'email', name: `ops-${stamp}`, config: { recipients: ['ops@example.com'] } });
      await page.goto('/');
      await steps(3).waitFor();
      await post('/invitations', { email: `colleague-${stamp}@example.com`, role: 'member' });
      await page.goto('/');
      await page.getByRole('heading', { name: 'Forgotten renewals' }).waitFor();
      equal(await page.getByRole('heading', { name: 'Get started' }).count(), 0, 'checklist gone once every step is done');
    });

    await check(`[${label}] work: the audit log filters by action and by who, and exports that as CSV`, async () => {
      await page.goto('/audit-log');
      await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Agent created' });
      await page.waitForURL(/action=agent\.create/);
      const rows = page.locator('tbody tr');
      await until('two agent.create rows', async () => (await rows.count()) === 2 || (await rows.count()));
      await page.locator('tbody').getByText(`dc1-${stamp}`).waitFor();
      await page.getByLabel('Who', { exact: true }).selectOption({ label: `work-${stamp}@example.com (user)` });
      await until('still two rows for the signed-up user', async () => (await rows.count()) === 2 || (await rows.count()));
      await shot(page, 'work-02-audit-filtered');
      const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      equal(href.includes('action=agent.create') && href.includes('actor_type=user'), true, `export link ${href}`);
      const csv = await (await page.request.get(`${base}${href}`)).text();
      const lines = csv.trim().split('\n');
      equal(lines.length, 3, `CSV lines: ${csv}`);
      equal(lines.slice(1).every((l) => l.includes('agent.create')), true, 'only agent.create in the CSV');
      const tokens = await (await page.request.get(`${base}/api/v1/audit-log/export?action=token.create`)).text();
      equal(tokens.includes(`"'=HYPERLINK(""x"") ${stamp}"`), true, `token name defused in CSV: ${tokens}`);
    });

    await check(`[${label}] work: the inventory filters by agent and tag and shows where each certificate is served`, async () => {
      await push(agents[0], [served(domains.prod, prodLeaf)], 'prod');
      await push(agents[1], [served(domains.dev, devLeaf)], 'dev');
      await page.goto('/certificates');
      const prodLink = page.getByRole('link', { name: prodHost, exact: true });
      const devLink = page.getByRole('link', { name: devHost, exact: true });
      await prodLink.first().waitFor();
      await page.getByLabel('Agent', { exact: true }).selectOption({ label: `dc2-${stamp}` });
      await page.waitForURL(/agent_id=/);
      await page.getByRole('link', { name: `${devHost}:443` }).first().waitFor();
      await until('prod leaf filtered out', async () => (await prodLink.count()) === 0);
      await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'Any agent' });
      await page.getByLabel('Tag', { exact: true }).fill('prod');
      await page.waitForURL(/tag=prod/);
      await until('dev leaf filtered out by tag', async () => (await devLink.count()) === 0 && (await prodLink.count()) > 0);
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: prodHost, exact: true }) });
      await row.getByRole('link', { name: `${prodHost}:443` }).waitFor();
      await shot(page, 'work-03-inventory-filtered');
      await page.reload();
      equal(await page.getByLabel('Tag', { exact: true }).inputValue(), 'prod', 'tag filter kept on reload');
    });

    await check(`[${label}] work: a domain shows its recent checks as a strip, failures in it`, async () => {
      await push(agents[0], [{ target_id: domains.prod, address: '10.0.0.7:443', observed_at: new Date().toISOString(), duration_ms: 10000,
        chain: [], error: 'dial tcp 10.0.0.7:443: connect: connection refused', error_kind: 'refused' }], 'prod-down');
      await page.goto(`/domains/${domains.prod}`);
      const strip = page.getByRole('list', { name: 'Recent checks, oldest first' });
      await strip.waitFor();
      await until('two runs in the strip', async () => (await strip.locator('li').count()) === 2 || (await strip.locator('li').count()));
      equal(await strip.locator('li.check-bead-critical').count(), 1, 'failed run');
      equal(await strip.locator('li.check-bead-critical').getAttribute('title').then((t) => t.startsWith('The connection was refused')), true, 'failed run described');
      await page.getByText(/2 checks since .*; 1 failed\./).waitFor();
      await shot(page, 'work-04-domain-strip');
    });
  } finally {
    await ctx.close();
  }
}
