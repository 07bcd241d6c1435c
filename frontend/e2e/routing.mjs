// End-to-end steps for routing inside a rule: one channel gets critical
// events only, another only events of domains tagged "prod". The rule is
// made in the dashboard's form, listed in words and kept by the API.
// run.mjs runs it after its other steps, or alone with
// E2E_SPEC=routing. Delivery by severity and tag is tested in Go
// (alerts.TestRoutesBySeverityAndTag).
import { openSession } from './session.mjs';

export async function routing({ label, server, browser, check, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log, width: 1440 });
  const ruleName = `Routed ${stamp}`;
  try {
    await check(`[${label}] routing: a rule sends critical events to one channel and prod domains' events to another`, async () => {
      await signup({ email: `routing-${stamp}@example.com`, password: 'correct horse battery', organization: 'Routing Corp' });
      const pager = await post('/channels', { type: 'webhook', name: 'Pager', config: { url: `${server.receiver.url}/pager` } });
      const chat = await post('/channels', { type: 'webhook', name: 'Chat', config: { url: `${server.receiver.url}/chat` } });
      await page.goto('/alerts');
      await page.getByRole('button', { name: 'New rule' }).click();
      const form = page.getByRole('form', { name: 'New alert rule' });
      await form.getByLabel('Rule name', { exact: true }).fill(ruleName);
      for (const name of ['Pager', 'Chat']) {
        const box = form.getByRole('checkbox', { name: new RegExp(`^${name} ·`) });
        if (!(await box.isChecked())) await box.check();
      }
      await form.getByLabel('Events Pager gets').selectOption({ label: 'Critical only' });
      await form.getByLabel('Only domains tagged, for Chat').fill('prod');
      await form.getByRole('button', { name: 'Create rule' }).click();
      const row = page.locator('.rule-row', { hasText: ruleName });
      await row.waitFor();
      const text = (await row.textContent()) ?? '';
      for (const want of ['Pager (critical only)', 'Chat (tagged prod)']) {
        if (!text.includes(want)) throw new Error(`the rule's row does not say "${want}": ${text}`);
      }
      const rules = (await (await page.request.get(`${base}/api/v1/alert-rules`)).json()).items;
      const rule = rules.find((r) => r.name === ruleName);
      const byChannel = Object.fromEntries((rule?.routes ?? []).map((r) => [r.channel_id, r]));
      equal(byChannel[pager.id]?.min_severity, 'critical', 'Pager route severity');
      equal(JSON.stringify(byChannel[pager.id]?.tags), '[]', 'Pager route tags');
      equal(byChannel[chat.id]?.min_severity, 'info', 'Chat route severity');
      equal(JSON.stringify(byChannel[chat.id]?.tags), '["prod"]', 'Chat route tags');
      await shot(page, 'routing-01-rule');
    });
  } finally {
    await ctx.close();
  }
}
