// End-to-end steps for virtual hosts: three names served by SNI on one
// address are three domains. Two come from the API, the third from the
// dashboard's form; the same name again is refused next to the SNI field,
// naming it; the list and the domain's page tell the three apart by their
// SNI. run.mjs runs it after its other steps, or alone with
// E2E_SPEC=virtual-hosts.
import { openSession } from './session.mjs';

export async function virtualHosts({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log });
  const address = '10.0.7.1';
  const names = ['a', 'b', 'c'].map((n) => `${n}-${stamp}.vhost.e2e.example`);
  const row = (name) => `${address}:443 (SNI ${name})`;

  try {
    await check(`[${label}] virtual hosts: a third name on one address is added through the form`, async () => {
      await signup({ email: `vhosts-${stamp}@example.com`, password: 'correct horse battery', organization: 'Virtual Hosts Corp' });
      for (const sni of names.slice(0, 2)) await post('/domains', { host: address, sni });
      await page.goto('/domains?add=1');
      const form = page.getByRole('form', { name: 'Add a domain' });
      await form.getByLabel('Host').fill(address);
      await form.getByLabel('SNI (optional)').fill(names[2]);
      await form.getByRole('button', { name: 'Add domain' }).click();
      for (const name of names) await page.getByRole('checkbox', { name: `Select ${row(name)}` }).waitFor();
      await shot(page, 'virtual-hosts-01-list');
    });

    await check(`[${label}] virtual hosts: the same name again is refused next to the SNI, naming it`, async () => {
      const form = page.getByRole('form', { name: 'Add a domain' });
      await form.getByLabel('Host').fill(address);
      await form.getByLabel('SNI (optional)').fill(names[1]);
      await form.getByRole('button', { name: 'Add domain' }).click();
      const sni = form.getByLabel('SNI (optional)');
      await until('SNI marked invalid', async () => (await sni.getAttribute('aria-invalid')) === 'true');
      const err = form.locator('#' + (await sni.getAttribute('aria-describedby')));
      await until('SNI error', async () => {
        const text = await err.textContent();
        return (text.includes(`SNI ${names[1]}`) && text.includes('already monitored')) || text;
      });
      await shot(page, 'virtual-hosts-02-duplicate');
    });

    await check(`[${label}] virtual hosts: the domain's page names its SNI`, async () => {
      await page.getByRole('link', { name: `${address}:443` }).first().click();
      const heading = page.getByRole('heading', { level: 1 });
      await until('heading with the SNI', async () => {
        const text = await heading.textContent();
        return names.some((n) => text.includes(`(SNI ${n})`)) || text;
      });
    });
  } finally {
    await ctx.close();
  }
}
