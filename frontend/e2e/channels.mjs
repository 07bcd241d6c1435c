// End-to-end steps for issue 19: the dashboard's channel form offers every
// channel type the server describes (GET /channel-types) and creates one of
// each from its generic fields; a value the server refuses shows its error
// on that field's input; an edit that leaves a secret empty keeps it.
// Nothing here sends a message: URLs are loopback or never posted to.
// run.mjs runs it after its other steps, or alone with E2E_SPEC=channels.
import { openSession } from './session.mjs';

// Values each provider's Validate accepts, by "type.field", then by field kind.
// Kept apart from real services: no test is sent, and URLs that could be
// posted to point at the run's loopback receiver or a closed loopback port.
function sampleValues(receiverURL, stamp) {
  const byField = {
    'email.recipients': 'ops@example.com\nsecurity@example.com',
    'webhook.url': `${receiverURL}/channels-webhook`,
    'webhook_template.url': 'https://127.0.0.1:9/template',
    'webhook_template.body': '{"text": {{json .Subject}}}',
    'pagerduty.routing_key': 'e2eRoutingKey0123456789abcdefghi',
    'opsgenie.api_key': '0f6c1b5e-1a2b-4c3d-8e9f-0123456789ab',
    'teams.url': 'https://127.0.0.1:9/workflows/e2e',
    'discord.url': `${receiverURL}/discord`,
    'telegram.bot_token': '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
    'telegram.chat_id': '-1001234567890',
    'mattermost.url': `${receiverURL}/mattermost`,
    'googlechat.url': 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t',
    'ntfy.topic': `certinel-e2e-${stamp}`,
  };
  const byKind = { url: 'https://127.0.0.1:9/e2e', secret: 'e2e-secret-value', text: 'e2e', textarea: 'e2e', list: 'e2e', number: '1' };
  return (type, f) => byField[`${type}.${f.name}`] ?? byKind[f.kind];
}

export async function channels({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup } = await openSession({ browser, base, equal, setPage, log, width: 1440 });
  const get = async (path) => {
    const r = await page.request.get(`${base}/api/v1${path}`);
    equal(r.status(), 200, `GET ${path}`);
    return r.json();
  };
  const sample = sampleValues(server.receiver.url, stamp);
  const nameOf = (type) => `${type}-${stamp}`;

  try {
    await check(`[${label}] channels: a channel of every described type is created from the form and listed with its label`, async () => {
      await signup({ email: `channels-${stamp}@example.com`, password: 'correct horse battery', organization: 'Channels Corp' });
      const types = (await get('/channel-types')).items;
      if (types.length < 11) throw new Error(`the server describes ${types.length} channel types: ${types.map((t) => t.type).join(', ')}`);
      await page.goto('/alerts');
      await page.getByRole('heading', { name: 'Channels' }).waitFor();
      for (const d of types) {
        await page.getByRole('button', { name: 'New channel' }).click();
        const form = page.getByRole('form', { name: 'New alert channel' });
        await form.getByLabel('Type', { exact: true }).selectOption(d.type);
        if (d.unavailable) await form.getByText(d.unavailable).waitFor();
        await form.getByLabel('Name', { exact: true }).fill(nameOf(d.type));
        for (const f of d.fields.filter((f) => f.required)) {
          const value = sample(d.type, f);
          if (value === undefined) throw new Error(`no sample value for ${d.type}.${f.name} (${f.kind})`);
          await form.getByLabel(f.label, { exact: true }).fill(value);
        }
        await form.getByRole('button', { name: 'Create channel' }).click();
        const row = page.getByRole('article', { name: `Channel ${nameOf(d.type)}` });
        // A refusal stays in the form: name it rather than wait out the timeout.
        const refusal = form.locator('.field-error, .notice-error');
        await row.or(refusal).first().waitFor();
        if (!(await row.isVisible())) throw new Error(`${d.type} refused: ${(await refusal.allTextContents()).join('; ')}`);
        const chip = (await row.locator('.chip').first().textContent()) ?? '';
        if (!chip.startsWith(d.label)) throw new Error(`${d.type} is listed as "${chip}", not as "${d.label}"`);
      }
      const saved = (await get('/channels')).items;
      for (const d of types) {
        const ch = saved.find((c) => c.name === nameOf(d.type));
        equal(ch?.type, d.type, `type of ${nameOf(d.type)}`);
        if (d.fields.some((f) => f.kind === 'secret' && f.required)) equal(ch.has_secret, true, `${d.type} has its secret stored`);
      }
      if ((await page.content()).includes(sample('pagerduty', { name: 'routing_key', kind: 'secret' }))) throw new Error('a stored secret came back to the page');
      await shot(page, 'channels-01-every-type');
    });

    await check(`[${label}] channels: a value the server refuses shows its error on that input, and an edit keeps an empty secret`, async () => {
      await page.getByRole('button', { name: 'New channel' }).click();
      const form = page.getByRole('form', { name: 'New alert channel' });
      await form.getByLabel('Type', { exact: true }).selectOption('pagerduty');
      await form.getByLabel('Name', { exact: true }).fill(`bad-pagerduty-${stamp}`);
      const key = form.getByLabel('Integration key', { exact: true });
      await key.fill('short');
      await form.getByRole('button', { name: 'Create channel' }).click();
      await until('the key is marked invalid', async () => (await key.getAttribute('aria-invalid')) === 'true' || (await key.getAttribute('aria-invalid')));
      const errorId = (await key.getAttribute('aria-describedby'))?.split(' ')[0];
      const message = await form.locator(`[id="${errorId}"]`).textContent();
      if (!/32-character/.test(message ?? '')) throw new Error(`the key's error reads "${message}"`);
      equal(await form.getByLabel('Service region', { exact: true }).getAttribute('aria-invalid'), null, 'region marked invalid');
      await shot(page, 'channels-02-field-error');
      await form.getByRole('button', { name: 'Cancel' }).click();

      const name = nameOf('pagerduty');
      await page.getByRole('article', { name: `Channel ${name}` }).getByRole('button', { name: `Edit ${name}` }).click();
      const edit = page.getByRole('form', { name: `Edit channel ${name}` });
      equal(await edit.getByLabel('Integration key', { exact: true }).getAttribute('placeholder'), 'Stored — leave empty to keep', 'placeholder of a stored secret');
      await edit.getByLabel('Service region', { exact: true }).selectOption('eu');
      await edit.getByRole('button', { name: 'Save channel' }).click();
      await edit.waitFor({ state: 'detached' });
      const ch = (await get('/channels')).items.find((c) => c.name === name);
      equal(ch.config.region, 'eu', 'edited region');
      equal(ch.has_secret, true, 'secret kept by the edit');
    });
  } finally {
    await ctx.close();
  }
}
