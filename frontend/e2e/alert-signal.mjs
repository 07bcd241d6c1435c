// End-to-end steps for alerts that are signal: an agent's outage is one
// notification with its endpoints listed on the event page; events are
// acknowledged and snoozed; maintenance windows and reminders are edited.
// run.mjs runs it after its own scenario, or alone with E2E_SPEC=alert-signal.
import { makeCA, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

export async function alertSignal({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base, receiver } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  const agent = `dc-${stamp}`;
  const hosts = Array.from({ length: 30 }, (_, i) => `node${String(i).padStart(2, '0')}-${stamp}.e2e.internal`);
  let agentHeaders = null;
  let outageId = '';

  await check(`[${label}] signal: 30 endpoints of one agent failing together make one webhook message`, async () => {
    await signup({ email: `signal-${stamp}@example.com`, password: 'correct horse battery', organization: 'Signal Corp' });
    const ag = await post('/agents', { name: agent });
    const tok = await post('/tokens', { name: 'agent key', scope: 'agent' });
    agentHeaders = { Authorization: `Bearer ${tok.token}`, 'X-Agent-Token': ag.token, 'User-Agent': 'certinel-agent/e2e-1.0' };
    const ch = await post('/channels', { type: 'webhook', name: `hook-${stamp}`, config: { url: `${receiver.url}/signal` } });
    await post('/alert-rules', { name: `Outages ${stamp}`, events: ['unreachable', 'expiring', 'resolved'], channel_ids: [ch.id], unreachable_after: 1 });
    const ids = [];
    for (const host of hosts) ids.push((await post('/domains', { host, agent_id: ag.id })).id);
    const before = receiver.requests.filter((q) => q.url === '/signal').length;
    const now = new Date().toISOString();
    const body = {
      batch_id: `signal-${stamp}`, agent_version: 'e2e-1.0',
      results: ids.map((id, i) => ({ target_id: id, address: `10.9.0.${i + 1}:443`, observed_at: now, duration_ms: 10000, chain: [], error: 'i/o timeout', error_kind: 'timeout' })),
    };
    const res = await fetch(`${base}/api/v1/agent/results`, { method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    equal(res.status, 200, `POST /agent/results ${await res.text()}`);
    const mine = () => receiver.requests.filter((q) => q.url === '/signal').slice(before);
    await until('the outage reached the webhook', async () => mine().length > 0 || mine().length, 40_000);
    // Let any straggler arrive before counting.
    await new Promise((r) => setTimeout(r, 3000));
    equal(mine().length, 1, 'webhook messages for 30 unreachable endpoints');
    const ev = mine()[0].json.events[0];
    equal(ev.count, 30, 'endpoints in the outage message');
    equal(ev.agent.name, agent, 'agent of the outage');
    outageId = ev.id;
  });

  await check(`[${label}] signal: the event page lists the outage's endpoints`, async () => {
    await page.goto('/events');
    await page.getByRole('row').filter({ hasText: `agent ${agent}` }).first().getByRole('link', { name: 'Unreachable' }).click();
    await page.waitForURL(new RegExp(`/events/${outageId}$`));
    await page.getByRole('heading', { name: `Unreachable: agent ${agent}` }).waitFor();
    await page.getByRole('heading', { name: 'Unreachable endpoints (30)' }).waitFor();
    const table = page.getByRole('table', { name: 'Endpoints of the outage' });
    await table.getByRole('link', { name: `${hosts[0]}:443` }).waitFor();
    equal(await table.getByRole('row').count(), 31, 'endpoint rows with the header');
    await shot(page, 'signal-01-outage');
  });

  await check(`[${label}] signal: an event is acknowledged, snoozed until it changes, and unsnoozed`, async () => {
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('acknowledged', { exact: true }).waitFor();
    await page.getByLabel('Snooze for').selectOption('change');
    await page.getByRole('button', { name: 'Snooze', exact: true }).click();
    await page.getByText('snoozed until it changes').waitFor();
    await shot(page, 'signal-02-acknowledged');
    await page.getByRole('button', { name: 'Unsnooze' }).click();
    await page.getByRole('button', { name: 'Snooze', exact: true }).waitFor();
    const got = await (await page.request.get(`${base}/api/v1/events/${outageId}`)).json();
    if (!got.acknowledged_at || got.snooze_until_change) throw new Error(`event after the clicks: ${JSON.stringify(got)}`);
    const audit = await (await page.request.get(`${base}/api/v1/audit-log?per_page=50`)).json();
    for (const action of ['alert.acknowledge', 'alert.snooze', 'alert.unsnooze']) {
      if (!audit.items.some((e) => e.action === action)) throw new Error(`audit log lacks ${action}`);
    }
  });

  await check(`[${label}] signal: a weekly maintenance window with a time zone is created, edited and deleted`, async () => {
    await page.goto('/alerts');
    await page.getByRole('heading', { name: 'Maintenance windows' }).waitFor();
    await page.getByRole('button', { name: 'New window' }).click();
    const form = page.getByRole('form', { name: 'New maintenance window' });
    await form.getByLabel('Window name').fill('Patch night');
    await form.getByLabel('Agent').selectOption({ label: agent });
    await form.getByRole('checkbox', { name: 'Sun' }).uncheck();
    await form.getByRole('checkbox', { name: 'Tue' }).check();
    await form.getByLabel('At (local time)').fill('22:30');
    await form.getByLabel('For (minutes)').fill('0');
    await form.getByLabel('Time zone').selectOption('Europe/Berlin');
    await form.getByRole('button', { name: 'Create window' }).click();
    await form.getByText('must be 1 minute to 7 days').waitFor();
    await form.getByLabel('For (minutes)').fill('90');
    await form.getByRole('button', { name: 'Create window' }).click();
    const row = page.getByRole('list', { name: 'Maintenance windows' }).getByRole('listitem').filter({ hasText: 'Patch night' });
    await row.getByText('Every Tue at 22:30 for 1 h 30 min (Europe/Berlin)').waitFor();
    await row.getByText(`agent ${agent}`).waitFor();
    await shot(page, 'signal-03-maintenance');
    await row.getByRole('button', { name: 'Edit window Patch night' }).click();
    const edit = page.getByRole('form', { name: 'Edit window Patch night' });
    await edit.getByLabel('Repeats').selectOption('once');
    const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await edit.getByLabel('Starts').fill(local(new Date(Date.now() - 3_600_000)));
    await edit.getByLabel('Ends').fill(local(new Date(Date.now() + 3_600_000)));
    await edit.getByRole('button', { name: 'Save window' }).click();
    await row.getByText(/^on until/).waitFor();
    await row.getByRole('button', { name: 'Delete window Patch night' }).click();
    await page.getByRole('button', { name: 'Delete window', exact: true }).click();
    await page.getByText('No maintenance window.').waitFor();
  });

  await check(`[${label}] signal: a rule's reminders are set in the editor`, async () => {
    const name = `Outages ${stamp}`;
    await page.getByRole('button', { name: `Edit rule ${name}` }).click();
    const form = page.getByRole('form', { name: `Edit rule ${name}` });
    await form.getByLabel('Remind every (hours, 0 for never)').fill('6');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await until('the rule saved its reminders', async () => {
      const rules = (await (await page.request.get(`${base}/api/v1/alert-rules`)).json()).items;
      return rules.find((r) => r.name === name)?.remind_every_hours === 6 || JSON.stringify(rules.map((r) => r.remind_every_hours));
    });
  });

  await check(`[${label}] signal: an expiring and a renewed certificate stay one message per domain`, async () => {
    const ca = makeCA();
    const ag = (await (await page.request.get(`${base}/api/v1/agents`)).json()).items.find((a) => a.name === agent);
    const d = await post('/domains', { host: `pay-${stamp}.e2e.internal`, agent_id: ag.id });
    const before = receiver.requests.filter((q) => q.url === '/signal').length;
    const send = async (batch, days) => {
      const body = { batch_id: `${batch}-${stamp}`, agent_version: 'e2e-1.0', results: [{ target_id: d.id, address: '10.9.1.1:443',
        observed_at: new Date().toISOString(), duration_ms: 5, tls_version: 'TLS 1.3', cipher_suite: 'TLS_AES_128_GCM_SHA256',
        chain: [makeLeaf(ca, `pay-${stamp}.e2e.internal`, days).der, ca.der] }] };
      const r = await fetch(`${base}/api/v1/agent/results`, { method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      equal(r.status, 200, 'POST /agent/results');
    };
    await send('pay', 5);
    await until('the domain was evaluated', async () => {
      const events = (await (await page.request.get(`${base}/api/v1/events?domain_id=${d.id}`)).json()).items;
      return events.length > 0 || 'no event yet';
    }, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    const msgs = receiver.requests.filter((q) => q.url === '/signal').slice(before);
    if (msgs.length > 1) throw new Error(`${msgs.length} messages for one domain in one evaluation`);
  });

  await ctx.close();
}
