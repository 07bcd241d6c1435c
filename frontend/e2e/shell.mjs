// End-to-end steps for the dashboard's shell on every page: the menu button
// and drawer on a phone, no page wider than a 390 px screen, the theme toggle
// (applied before the app's code runs, remembered across reloads), the
// dialog's focus trap, and axe-core on every page at 1440 and 390 px in light
// and dark with zero serious or critical violations. Screenshots of every
// page land in build/screenshots/<page>-<width>-<scheme>.png.
// run.mjs runs it after its other steps, or alone with E2E_SPEC=shell.
//
// The axe and screenshot sweep (4 passes over every page) runs on the SQLite
// pass only, to keep the run short; on PostgreSQL the same pages get the
// overflow check. The pages are the same on both: only the store differs.
// The functions given to page.evaluate run in the browser:
/* global document, window, getComputedStyle */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { makeCA, makeLeaf } from './pki.mjs';
import { openSession } from './session.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = 390;
const DESKTOP = 1440;
const schemes = ['light', 'dark'];

// ready waits until the page has its heading and no spinner is left.
async function ready(page, until) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.locator('h1').first().waitFor();
  await until('spinners gone', async () => (await page.locator('.spinner:not(.spinner-inline)').count()) === 0);
}

// overflow answers how much wider than the viewport the document is, and
// which elements stick out first (their parents fit), or null when it fits.
const overflow = (page) =>
  page.evaluate(() => {
    const by = document.documentElement.scrollWidth - window.innerWidth;
    if (by <= 0) return null;
    const out = (el) => el.getBoundingClientRect().right > window.innerWidth + 1;
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => out(el) && !(el.parentElement && el.parentElement !== document.body && out(el.parentElement)))
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
    return `by ${by} px: ${culprits.join(', ')}`;
  });

// seriousViolations runs axe-core on the page and answers its serious and critical findings, one line each.
async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 3 ? ` … ${v.nodes.length} in all` : ''}`);
}

// setScheme makes the browser prefer the scheme and waits for the page (theme "system") to follow it.
async function setScheme(page, scheme, until) {
  await page.emulateMedia({ colorScheme: scheme });
  await until(`data-theme ${scheme}`, async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === scheme);
}

export async function shell({ label, server, browser, check, until, equal, shot, setPage, log }) {
  const { base, receiver } = server;
  const stamp = Date.now().toString(36);
  const email = `shell-${stamp}@example.com`;
  const password = 'correct horse battery';
  const { ctx, page, signup, post } = await openSession({ browser, base, equal, setPage, log, width: DESKTOP });
  const sweep = label === 'sqlite';
  // [name, path] of every page; auth pages are visited signed out.
  const appPages = [];
  const authPages = [['login', '/login'], ['signup', '/signup'], ['forgot-password', '/forgot-password'], ['reset-password', '/reset-password/cnl_pwr_unknown']];

  await check(`[${label}] shell: an organization with data on every page`, async () => {
    await signup({ email, password, organization: 'Shell Corp' });
    const ag = await post('/agents', { name: `lan-${stamp}` });
    const key = await post('/tokens', { name: `agent key ${stamp}`, scope: 'agent' });
    await post('/tokens', { name: `script ${stamp}`, scope: 'read' });
    const ch = await post('/channels', { type: 'webhook', name: `hook-${stamp}`, config: { url: `${receiver.url}/shell` } });
    await post('/alert-rules', { name: `Expiry ${stamp}`, events: ['expiring', 'expired', 'unreachable'], channel_ids: [ch.id], thresholds_days: [30, 7] });
    const ca = makeCA(`Shell CA ${stamp}`);
    const specs = [
      { host: `a-very-long-host-name-that-does-not-fit-on-a-phone-${stamp}.shell.e2e.internal`, days: 5 },
      { host: `ok-${stamp}.shell.e2e.internal`, days: 200 },
      { host: `down-${stamp}.shell.e2e.internal`, error: 'dial tcp 10.20.0.3:443: connect: connection refused' },
    ];
    const results = [];
    for (const sp of specs) {
      sp.id = (await post('/domains', { host: sp.host, agent_id: ag.id, tags: ['prod', 'shell'] })).id;
      results.push({
        target_id: sp.id, address: '10.20.0.3:443', observed_at: new Date().toISOString(), duration_ms: 7, tls_version: sp.error ? '' : 'TLS 1.3',
        cipher_suite: sp.error ? '' : 'TLS_AES_128_GCM_SHA256', chain: sp.error ? [] : [makeLeaf(ca, sp.host, sp.days).der, ca.der], error: sp.error ?? '',
      });
    }
    await post('/domains', { host: `pending-${stamp}.shell.e2e.internal` });
    const headers = { Authorization: `Bearer ${key.token}`, 'X-Agent-Token': ag.token, 'User-Agent': 'certinel-agent/e2e-1.0', 'Content-Type': 'application/json' };
    const r = await fetch(`${base}/api/v1/agent/results`, { method: 'POST', headers, body: JSON.stringify({ batch_id: `shell-${stamp}`, agent_version: 'e2e-1.0', results }) });
    equal(r.status, 200, `POST /agent/results ${await r.text()}`);
    const domain = await (await page.request.get(`${base}/api/v1/domains/${specs[0].id}`)).json();
    const invitation = await post('/invitations', { email: `colleague-${stamp}@example.com`, role: 'member' });
    authPages.push(['invite', new URL(invitation.accept_url).pathname]);
    appPages.push(
      ['overview', '/'], ['domains', '/domains'], ['domain', `/domains/${specs[0].id}`], ['certificates', '/certificates'],
      ['certificate', `/certificates/${domain.sha256}`], ['discovery', '/discovery'], ['alerts', '/alerts'], ['events', '/events'],
      ['agents', '/agents'], ['agent-certificates', `/agents/${ag.id}/certificates`], ['ca-bundles', '/ca-bundles'], ['tokens', '/tokens'],
      ['members', '/members'], ['audit-log', '/audit-log'], ['organization', '/organization'], ['account', '/account'], ['files', '/files'], ['not-found', '/no-such-page'],
    );
    // The expiring domain raises an event; its page joins the list when it is there.
    let events = [];
    for (let i = 0; i < 60 && events.length === 0; i++) {
      events = (await (await page.request.get(`${base}/api/v1/events`)).json()).items ?? [];
      if (events.length === 0) await page.waitForTimeout(250);
    }
    if (events.length > 0) appPages.push(['event', `/events/${events[0].id}`]);
    else log('shell: no event yet, the event page is left out');
  });

  // signedIn opens a browser context of the given width with the session of this organization.
  // bypassCSP lets axe-core be injected; the steps that test the page itself keep the server's CSP.
  const signedIn = async (width, { bypassCSP = false } = {}) => {
    const c = await browser.newContext({ viewport: { width, height: 900 }, baseURL: base, bypassCSP });
    c.setDefaultTimeout(10_000);
    const r = await c.request.post(`${base}/api/v1/auth/login`, { data: { email, password } });
    equal(r.status(), 200, 'login');
    const p = await c.newPage();
    p.on('pageerror', (e) => log('[page error]', e.message));
    setPage(p);
    return { c, p };
  };

  await check(`[${label}] shell: at ${PHONE} px a menu button opens the navigation as a drawer that holds the focus`, async () => {
    const { c, p } = await signedIn(PHONE);
    await p.goto('/');
    await ready(p, until);
    const menu = p.getByRole('button', { name: 'Menu' });
    const nav = p.getByRole('navigation', { name: 'Main' });
    equal(await menu.getAttribute('aria-expanded'), 'false', 'menu button state before');
    equal(await nav.isVisible(), false, 'navigation visible before the menu is opened');
    await menu.click();
    equal(await menu.getAttribute('aria-expanded'), 'true', 'menu button state when open');
    await nav.getByRole('link', { name: 'Domains', exact: true }).waitFor();
    // In the drawer, or on the menu button that closes it.
    const inDrawer = () => p.evaluate(() => (document.getElementById('sidebar')?.contains(document.activeElement) ?? false) || document.activeElement?.getAttribute('aria-label') === 'Menu');
    equal(await inDrawer(), true, 'focus in the drawer once opened');
    const stops = await nav.getByRole('link').count();
    for (let i = 0; i < stops + 6; i++) {
      await p.keyboard.press('Tab');
      if (!(await inDrawer())) throw new Error(`Tab ${i + 1} left the drawer for ${await p.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`);
    }
    await p.keyboard.press('Shift+Tab');
    equal(await inDrawer(), true, 'focus in the drawer after Shift+Tab');
    await shot(p, `menu-${PHONE}-light`);
    await p.keyboard.press('Escape');
    equal(await menu.getAttribute('aria-expanded'), 'false', 'menu button state after Escape');
    equal(await nav.isVisible(), false, 'navigation visible after Escape');
    equal(await p.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Menu', 'focus after Escape');
    await menu.click();
    await nav.getByRole('link', { name: 'Domains', exact: true }).click();
    await p.waitForURL(/\/domains$/);
    equal(await menu.getAttribute('aria-expanded'), 'false', 'menu button state after choosing a page');
    await c.close();
  });

  await check(`[${label}] shell: the theme toggle applies at once, before the app's code on a reload, and follows the system when asked`, async () => {
    const { c, p } = await signedIn(DESKTOP);
    await p.emulateMedia({ colorScheme: 'light' });
    await p.goto('/account');
    await ready(p, until);
    const theme = () => p.evaluate(() => document.documentElement.dataset.theme);
    const toggle = p.getByRole('group', { name: 'Theme' });
    equal(await toggle.getByRole('radio', { name: 'System' }).isChecked(), true, 'System chosen by default');
    equal(await theme(), 'light', 'theme of a light system');
    const light = await p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await toggle.getByRole('radio', { name: 'Dark' }).check();
    equal(await theme(), 'dark', 'theme after choosing Dark');
    const dark = await p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    if (dark === light) throw new Error(`the page background stayed ${light} in dark mode`);
    // Reloaded with the app's scripts blocked: only index.html's own script can have set the theme.
    await p.route('**/assets/*.js', (route) => route.abort());
    await p.reload();
    equal(await theme(), 'dark', 'theme on reload before the app runs');
    await p.unroute('**/assets/*.js');
    await p.reload();
    await ready(p, until);
    equal(await p.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).isChecked(), true, 'Dark still chosen after reload');
    await p.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'System' }).check();
    equal(await theme(), 'light', 'System on a light system');
    await setScheme(p, 'dark', until);
    await setScheme(p, 'light', until);
    equal(await p.evaluate(() => localStorage.getItem('certinel-theme')), null, 'System forgets the stored choice');
    await c.close();
  });

  await check(`[${label}] shell: a dialog keeps the focus inside, closes on Escape and gives the focus back to its opener`, async () => {
    const { c, p } = await signedIn(DESKTOP);
    await p.goto('/tokens');
    await ready(p, until);
    const opener = p.getByRole('button', { name: `Revoke script ${stamp}` });
    await opener.click();
    const dialog = p.getByRole('alertdialog');
    await dialog.waitFor();
    const inDialog = () => p.evaluate(() => document.querySelector('[role="alertdialog"]')?.contains(document.activeElement) ?? false);
    equal(await inDialog(), true, 'focus in the dialog once open');
    for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await p.keyboard.press(key);
      if (!(await inDialog())) throw new Error(`${key} left the dialog for ${await p.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`);
    }
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    equal(await p.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Revoke script ${stamp}`, 'focus after Escape');
    await c.close();
  });

  await check(`[${label}] shell: no page is wider than a ${PHONE} px screen`, async () => {
    if (appPages.length === 0) throw new Error('no pages to visit: the set-up step failed');
    const wide = [];
    const { c, p } = await signedIn(PHONE);
    for (const [name, path] of appPages) {
      await p.goto(path);
      await ready(p, until).catch((e) => {
        throw new Error(`${name} (${path}) did not load: ${e.message}`);
      });
      const by = await overflow(p);
      if (by) wide.push(`${name} (${path}) ${by}`);
    }
    await c.close();
    if (wide.length) throw new Error(`wider than the screen: ${wide.join('; ')}`);
  });

  if (!sweep || appPages.length === 0) {
    setPage(page);
    await ctx.close();
    return;
  }

  // The sweep: every page at both widths, each in both schemes, checked by axe and photographed.
  for (const width of [DESKTOP, PHONE]) {
    const found = Object.fromEntries(schemes.map((s) => [s, []]));
    const checked = Object.fromEntries(schemes.map((s) => [s, 0]));
    const wide = [];
    const broken = [];
    const visit = async (p, name, path) => {
      try {
        await p.goto(path);
        await ready(p, until);
        const by = await overflow(p);
        if (by) wide.push(`${name} ${by}`);
        for (const scheme of schemes) {
          await setScheme(p, scheme, until);
          for (const v of await seriousViolations(p)) found[scheme].push(`${name}: ${v}`);
          checked[scheme]++;
          await shot(p, `${name}-${width}-${scheme}`);
        }
      } catch (e) {
        broken.push(`${name} (${path}): ${String(e?.message ?? e).split('\n')[0]}`);
      }
    };
    const anon = await browser.newContext({ viewport: { width, height: 900 }, baseURL: base, bypassCSP: true });
    const ap = await anon.newPage();
    setPage(ap);
    for (const [name, path] of authPages) await visit(ap, name, path);
    await anon.close();
    const { c, p } = await signedIn(width, { bypassCSP: true });
    for (const [name, path] of appPages) await visit(p, name, path);
    await c.close();
    for (const scheme of schemes) {
      await check(`[${label}] shell: axe finds no serious or critical violation on any page at ${width} px, ${scheme}`, async () => {
        if (found[scheme].length) throw new Error(found[scheme].join('\n'));
        equal(checked[scheme], authPages.length + appPages.length, 'pages checked');
      });
    }
    await check(`[${label}] shell: every page at ${width} px loads in both schemes and fits the screen`, async () => {
      if (broken.length || wide.length) throw new Error([...broken, ...wide.map((w) => `wider than the screen: ${w}`)].join('\n'));
    });
  }
  setPage(page);
  await ctx.close();
}
