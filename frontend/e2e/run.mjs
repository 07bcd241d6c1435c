#!/usr/bin/env node
// End-to-end test of the dashboard against the real Go server, in Debian's
// Chromium driven by playwright-core. It builds the dashboard and the server,
// runs the scenario on SQLite and, when TEST_DATABASE_URL is set, again on
// PostgreSQL in a fresh schema. Screenshots go to <repo>/build/screenshots/.
//
//   npm run e2e                      build everything, run
//   E2E_SKIP_BUILD=1 npm run e2e     reuse dist/ and the built server
//   E2E_HEADFUL=1                    (needs a display) watch it
//   E2E_CONCURRENT=1                 the SQLite and PostgreSQL runs at once
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { accounts } from './accounts.mjs';
import { agentCertificates } from './agent-certificates.mjs';
import { backends } from './backends.mjs';
import { alertSignal } from './alert-signal.mjs';
import { channels } from './channels.mjs';
import { defects } from './defects.mjs';
import { enrollmentApproval } from './enrollment-approval.mjs';
import { fileSources } from './file-sources.mjs';
import { makeCA, makeLeaf } from './pki.mjs';
import { postQuantum } from './post-quantum.mjs';
import { revocation } from './revocation.mjs';
import { routing } from './routing.mjs';
import { dailyWork } from './work.mjs';
import { virtualHosts } from './virtual-hosts.mjs';
import { shell } from './shell.mjs';
import { smtpRelay } from './smtp-relay.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, '..');
const repo = resolve(frontend, '..');
const shotsDir = join(repo, 'build', 'screenshots');
const work = mkdtempSync(join(tmpdir(), 'certinel-e2e-'));
const serverBin = join(repo, 'build', 'e2e', 'certinel-server');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function log(...a) {
  console.log('[e2e]', ...a);
}

// reporter keeps one run's tally, its failure screenshots and its log
// prefix, so that the runs on SQLite and PostgreSQL can go at once
// (E2E_CONCURRENT=1) and still be told apart in the interleaved output.
function reporter(label) {
  let page = null;
  let shots = 0;
  const r = {
    passed: 0,
    failures: [],
    log: (...a) => console.log(`[e2e ${label}]`, ...a),
    setPage: (p) => { page = p; },
    check: async (name, fn) => {
      try {
        await fn();
        r.passed++;
        console.log(`  ${label} ok   ${name}`);
      } catch (e) {
        r.failures.push(name);
        if (page) {
          mkdirSync(shotsDir, { recursive: true });
          await page.screenshot({ path: join(shotsDir, `FAILED-${label}-${++shots}.png`), fullPage: true }).catch(() => {});
        }
        console.log(`  ${label} FAIL ${name}\n       ${String(e?.message ?? e).split('\n').slice(0, 6).join('\n       ')}`);
      }
    },
  };
  return r;
}

function run(cmd, args, opts = {}) {
  log('$', cmd, ...args);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
}

function build() {
  if (process.env.E2E_SKIP_BUILD && existsSync(serverBin) && existsSync(join(frontend, 'dist', 'index.html'))) {
    log('reusing dist/ and', serverBin);
    return;
  }
  run('npm', ['run', 'build'], { cwd: frontend });
  // The server embeds the dashboard at build time, as `make ui` does.
  const webdist = join(repo, 'server', 'internal', 'webui', 'dist');
  mkdirSync(webdist, { recursive: true });
  for (const f of readdirSync(webdist)) if (f !== '.gitkeep') rmSync(join(webdist, f), { recursive: true, force: true });
  cpSync(join(frontend, 'dist'), webdist, { recursive: true });
  mkdirSync(dirname(serverBin), { recursive: true });
  run('go', ['build', '-o', serverBin, './server/cmd/certinel-server'], { cwd: repo, env: { ...process.env, CGO_ENABLED: '0' } });
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// A webhook receiver on loopback: the server may post there because the e2e
// run starts it with CERTINEL_ALLOW_PRIVATE_TARGETS=true.
async function startReceiver() {
  const requests = [];
  const srv = createHttpServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        /* not JSON */
      }
      requests.push({ method: req.method, url: req.url, headers: req.headers, body, json });
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${srv.address().port}`;
  log('webhook receiver on', url);
  return { url, requests, close: () => new Promise((ok) => srv.close(ok)) };
}

async function startServer(label, extraEnv) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(work, `data-${label}-`));
  const base = `http://127.0.0.1:${port}`;
  const logFile = join(work, `server-${label}.log`);
  const out = [];
  const proc = spawn(serverBin, [], {
    env: {
      ...process.env, CERTINEL_DATA_DIR: dataDir, CERTINEL_LISTEN_ADDR: `127.0.0.1:${port}`, CERTINEL_LOG_LEVEL: 'warn',
      CERTINEL_ALLOW_PRIVATE_TARGETS: 'true', CERTINEL_BASE_URL: base,
      // The revocation job looks for due certificates every 10 s instead of 10 min.
      CERTINEL_REVOCATION_INTERVAL: '10s',
      // The runner stands as the proxy in front of the server, so API
      // sign-ups can each say they come from another client (signupWithin).
      CERTINEL_TRUSTED_PROXIES: '127.0.0.1/32', ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (d) => out.push(d));
  proc.stderr.on('data', (d) => out.push(d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}:\n${Buffer.concat(out).toString()}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server not ready after 30s:\n${Buffer.concat(out).toString()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`server (${label}) on ${base}`);
  return {
    base,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      writeFileSync(logFile, Buffer.concat(out));
    },
  };
}

async function launch() {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium chromium-driver`);
  // playwright gives every launch a fresh temporary profile (user data dir).
  return chromium.launch({
    executablePath: chromiumPath,
    headless: !process.env.E2E_HEADFUL,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

const until = async (what, fn, timeout = 10_000) => {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v === true) return;
      last = v;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};

function equal(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
}

// shoot saves a screenshot of the page for the run on label.
async function shoot(page, label, name) {
  mkdirSync(shotsDir, { recursive: true });
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.screenshot({ path: join(shotsDir, `${label === 'sqlite' ? '' : `${label}-`}${name}.png`), fullPage: true });
}

async function scenario({ server, browser, check, shot, log, setPage }) {
  const { base } = server;
  const stamp = Date.now().toString(36);
  const email = `owner-${stamp}@example.com`;
  const password = 'correct horse battery';
  const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 }, baseURL: base });
  ctx.setDefaultTimeout(10_000);
  const page = await ctx.newPage();
  setPage(page);
  page.on('pageerror', (e) => log('[page error]', e.message));
  const ids = {};

  await check('an anonymous visit lands on the login page', async () => {
    await page.goto('/domains');
    await page.waitForURL(/\/login\?next=%2Fdomains/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, '01-login');
  });

  await check('sign-up shows field errors, then creates the account', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Organization').fill('Acme Corp');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Use at least 10 characters').waitFor();
    await shot(page, '02-signup');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('Acme Corp').first().waitFor();
  });

  let agentToken = '';
  let apiKey = '';
  await check('creating an agent makes its API token too and shows one install command per platform the server has', async () => {
    await page.goto('/agents');
    await page.getByText('No agents yet').waitFor();
    await page.getByLabel('Agent name').fill('office-lan');
    await page.getByRole('button', { name: 'Create agent' }).click();
    const panel = page.getByTestId('agent-setup');
    await panel.waitFor();
    agentToken = (await panel.getByLabel('Agent token', { exact: true }).textContent()).trim();
    apiKey = (await panel.getByLabel('API token', { exact: true }).textContent()).trim();
    if (!agentToken.startsWith('cnl_agt_') || !apiKey.startsWith('cnl_api_')) throw new Error(`secrets look wrong: ${agentToken} ${apiKey}`);
    const env = await panel.getByTestId('env-file').textContent();
    if (!env.includes(`CERTINEL_SERVER_URL=${base}\n`)) throw new Error(`the env file lacks the server URL:\n${env}`);
    if (!env.includes(`CERTINEL_AGENT_TOKEN=${agentToken}\n`) || !env.includes(`CERTINEL_API_KEY=${apiKey}\n`)) throw new Error(`the env file lacks a token:\n${env}`);
    const offered = await panel.getByLabel('Platform').locator('option').allTextContents();
    equal(offered.join(', '), 'Linux x86-64, Docker', 'platforms offered');
    const command = await panel.getByTestId('install-command').textContent();
    const url = `${base}/downloads/agent/certinel-agent-linux-amd64`;
    const sum = createHash('sha256').update(agentStandIn).digest('hex');
    for (const want of [`'${url}'`, `echo '${sum}  certinel-agent-linux-amd64' | sha256sum -c -`, `CERTINEL_AGENT_TOKEN=${agentToken}`,
      'service install --env-file /etc/certinel/agent.env']) {
      if (!command.includes(want)) throw new Error(`the install command lacks ${want}:\n${command}`);
    }
    if ((await panel.textContent()).includes('certinel/agent ')) throw new Error('the panel still offers the unpublished certinel/agent image');
    // What the command downloads is what its checksum names.
    const res = await fetch(url);
    equal(res.status, 200, 'download status');
    equal(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex'), sum, 'downloaded SHA-256');
    await shot(page, '03-agent-created');
    await panel.getByRole('button', { name: /saved these/ }).click();
    await page.getByRole('cell', { name: 'office-lan', exact: true }).waitFor();
  });

  await check('an API token is created, shown once with a copy button, and listed', async () => {
    await page.goto('/tokens');
    await page.getByLabel('Name').fill('grafana');
    await page.getByLabel('Scope').selectOption('read');
    await page.getByRole('button', { name: 'Create token' }).click();
    const panel = page.getByTestId('token-created');
    await panel.waitFor();
    const secret = (await panel.getByLabel('API token').textContent()).trim();
    if (secret.length < 20) throw new Error(`token looks wrong: ${secret}`);
    await panel.getByRole('button', { name: 'Copy token' }).waitFor();
    await shot(page, '04-token-created');
    await panel.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'grafana', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'office-lan', exact: true }).waitFor(); // the agent's API token, named after it
    if ((await page.content()).includes(secret)) throw new Error('the secret is still on the page after Done');
    await shot(page, '05-tokens');
  });

  const hosts = { short: `short-${stamp}.e2e.example`, long: `long-${stamp}.e2e.example`, down: `down-${stamp}.e2e.example`, mail: `mail-${stamp}.e2e.example` };
  await check('domains are added through the form with the agent picker and protocol picker', async () => {
    await page.goto('/domains');
    await page.getByText('No domains yet').waitFor();
    await page.getByRole('button', { name: 'Add your first domain' }).click();
    const form = page.getByRole('form', { name: 'Add a domain' });
    for (const [key, host] of Object.entries(hosts)) {
      await form.getByLabel('Host').fill(host);
      await form.getByLabel('Protocol').selectOption(key === 'mail' ? 'smtp' : 'tls');
      await form.getByLabel('Checked by').selectOption({ label: 'Agent: office-lan' });
      await form.getByLabel('Tags (optional)').fill(key === 'mail' ? 'mail' : 'web, prod');
      await form.getByRole('button', { name: 'Add domain' }).click();
      await page.getByRole('link', { name: key === 'mail' ? `${host}:25` : `${host}:443` }).waitFor();
    }
  });

  await check('an API field error is shown next to its field (duplicate host)', async () => {
    const form = page.getByRole('form', { name: 'Add a domain' });
    await form.getByLabel('Host').fill(hosts.short);
    await form.getByLabel('Protocol').selectOption('tls');
    await form.getByLabel('Checked by').selectOption({ label: 'Agent: office-lan' });
    await form.getByRole('button', { name: 'Add domain' }).click();
    const host = form.getByLabel('Host');
    await until('host marked invalid', async () => (await host.getAttribute('aria-invalid')) === 'true');
    const err = form.locator('#' + (await host.getAttribute('aria-describedby')));
    await until('host error', async () => (await err.textContent()).includes('already monitored') || (await err.textContent()));
    await shot(page, '06-domain-form-error');
    await form.getByRole('button', { name: 'Close' }).click();
  });

  let caBundle = false;
  let ca = null;
  let agentHeaders = null;
  const chains = {};
  await check('the agent protocol accepts results for real certificates', async () => {
    const csrf = (await (await page.request.get(`${base}/api/v1/me`)).json()).csrf_token;
    const headers = { Authorization: `Bearer ${apiKey}`, 'X-Agent-Token': agentToken, 'User-Agent': 'certinel-agent/e2e-1.0' };
    agentHeaders = headers;
    const t = await fetch(`${base}/api/v1/agent/targets`, { headers });
    equal(t.status, 200, 'GET /agent/targets');
    const targets = (await t.json()).targets;
    equal(targets.length, 4, 'targets');
    for (const tg of targets) ids[Object.keys(hosts).find((k) => hosts[k] === tg.host)] = tg.id;
    ca = makeCA();
    // The private CA goes into the organization's CA bundle where the server
    // has bundles, so that the chains are trusted and only expiry decides.
    const bundle = await page.request.post(`${base}/api/v1/ca-bundles`, {
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      data: { name: 'e2e private CA', pem: ca.pem },
    });
    caBundle = bundle.status() === 201;
    if (!caBundle && bundle.status() !== 404) throw new Error(`POST /ca-bundles: ${bundle.status()} ${await bundle.text()}`);
    log(caBundle ? 'private CA added as a CA bundle' : 'no CA bundle endpoint: chains stay untrusted');
    const now = new Date().toISOString();
    const ok = (key, days, issuedDaysAgo = 1) => ({
      target_id: ids[key], address: '10.0.0.1:443', observed_at: now, duration_ms: 42, tls_version: 'TLS 1.3',
      cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: (chains[key] = [makeLeaf(ca, hosts[key], days, issuedDaysAgo).der, ca.der]),
    });
    const body = {
      batch_id: `e2e-${stamp}`, agent_version: 'e2e-1.0',
      results: [
        // A 90-day certificate 80 days in, not renewed: urgent (the last
        // sixth of its life). The 200-day one is one day in: healthy.
        ok('short', 10, 80),
        ok('long', 200),
        { target_id: ids.down, address: '10.0.0.2:443', observed_at: now, duration_ms: 3, chain: [], error: 'dial tcp 10.0.0.2:443: connect: connection refused', error_kind: 'refused' },
      ],
    };
    const r = await fetch(`${base}/api/v1/agent/results`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const res = await r.json();
    equal(r.status, 200, `POST /agent/results ${JSON.stringify(res)}`);
    equal(res.accepted, 3, `accepted ${JSON.stringify(res)}`);
  });

  // The chains come from a private CA that no organization bundle trusts
  // (until CA bundles exist), so the server may judge them invalid. The
  // dashboard must show whichever verdict the API gives, the same everywhere;
  // days left are exact either way.
  let trusted = true;
  await check('the server judged both chains the same way', async () => {
    const get = async (id) => (await (await page.request.get(`${base}/api/v1/domains/${id}`)).json()).status;
    const [s, l] = [await get(ids.short), await get(ids.long)];
    if (!((s === 'expiring' && l === 'ok') || (s === 'invalid' && l === 'invalid'))) throw new Error(`statuses ${s}, ${l}`);
    trusted = s === 'expiring';
    if (caBundle && !trusted) throw new Error('the chains are untrusted although their CA is in a bundle');
    log(`verdict for the private CA chains: ${trusted ? 'trusted' : 'invalid'}`);
  });
  const shortStatus = () => (trusted ? 'Expiring' : 'Invalid');
  const longStatus = () => (trusted ? 'OK' : 'Invalid');

  await check('the overview counts each state, draws the expiry cluster and shows the agent online', async () => {
    await page.goto('/');
    const tile = (name) => page.getByTestId(`count-${name}`).locator('.tile-value');
    const want = {
      // A status counts a problem: the short one is overdue and expiring (and
      // invalid when untrusted), and counted under each.
      OK: trusted ? '1' : '0', 'Renewal overdue': '1', Expiring: '1', Invalid: trusted ? '0' : '2', Expired: '0', Unreachable: '1', 'Pending first check': '1',
      'Expire within 7 days': '0', 'Expire within 14 days': '1', 'Expire within 30 days': '1',
    };
    for (const [name, v] of Object.entries(want)) await until(`tile ${name}`, async () => (await tile(name).textContent()) === v || (await tile(name).textContent()));
    await page.getByText('4 monitored endpoints').waitFor();
    await page.getByText(/1\s*certificate\s*expires in the next 90 days/).waitFor();
    const bar = page.locator('svg.chart rect.bar');
    equal(await bar.count(), 1, 'bars in the timeline');
    const tones = (await bar.getAttribute('class')).split(' ').filter((c) => c.startsWith('tone-'));
    equal(tones.join(' '), 'tone-high', 'bar colour at 10 days');
    await bar.click();
    await page.locator('.chart-detail').getByRole('link', { name: `${hosts.short}:443` }).waitFor();
    await page.getByText('Your agent is online.').waitFor();
    await shot(page, '07-overview');
  });

  await check('the domain list shows days left, colours and statuses; sorts and filters', async () => {
    await page.goto('/domains?sort=days_left');
    const row = (host) => page.getByRole('row').filter({ has: page.getByRole('link', { name: new RegExp(host) }) });
    await row(hosts.short).getByLabel('Days left: 10 days').waitFor();
    equal(await row(hosts.short).locator('.days-left').getAttribute('data-tone'), 'high', 'tone of 10 days');
    await row(hosts.short).getByText(shortStatus(), { exact: true }).waitFor();
    // Every reason it is not ok is on its row.
    for (const problem of trusted ? ['Renewal overdue', 'Expiring soon'] : ['Untrusted chain', 'Renewal overdue', 'Expiring soon']) {
      await row(hosts.short).getByRole('list', { name: 'Problems' }).getByText(problem, { exact: true }).waitFor();
    }
    await row(hosts.long).getByLabel('Days left: 200 days').waitFor();
    equal(await row(hosts.long).locator('.days-left').getAttribute('data-tone'), 'good', 'tone of 200 days');
    await row(hosts.long).getByText(longStatus(), { exact: true }).waitFor();
    await row(hosts.down).getByText('Unreachable').waitFor();
    await row(hosts.mail).getByText('Pending').waitFor();
    const first = await page.locator('tbody tr').first().getByRole('link').first().textContent();
    equal(first, `${hosts.short}:443`, 'first row when sorted by days left');
    await shot(page, '08-domains');
    await page.getByLabel('Status').selectOption('unreachable');
    await page.waitForURL(/status=unreachable/);
    await until('filtered rows', async () => (await page.locator('tbody tr').count()) === 1 || (await page.locator('tbody tr').count()));
    await row(hosts.down).waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search domains').fill('long-');
    await until('searched rows', async () => (await page.locator('tbody tr').count()) === 1 || (await page.locator('tbody tr').count()));
  });

  await check('the domain detail shows the chain as a tree with days left, the history and the status', async () => {
    await page.goto(`/domains/${ids.short}`);
    await page.getByRole('heading', { name: new RegExp(hosts.short) }).waitFor();
    const header = page.locator('.page-header');
    await header.getByLabel('Days left: 10 days').waitFor();
    await header.getByText(shortStatus(), { exact: true }).waitFor();
    await header.getByTestId('renewal-window').getByText(/^Renewal expected from .+ to .+ \(estimated from the lifetime\)$/).waitFor();
    await page.getByRole('list', { name: 'Problems' }).getByText('Expiring soon', { exact: true }).waitFor();
    const chain = page.getByRole('list', { name: /Certificate chain/ });
    equal(await chain.locator('.chain-node').count(), 2, 'chain nodes');
    await chain.getByText('Certinel E2E Intermediate CA', { exact: true }).first().waitFor();
    const leaf = chain.locator('.chain-node').filter({ hasText: 'Leaf' });
    await leaf.getByLabel('Days left: 10 days').waitFor();
    const inter = chain.locator('.chain-node').filter({ hasText: 'Intermediate' });
    await inter.getByLabel(/Days left: 39\d days/).waitFor();
    const history = page.getByRole('region', { name: 'History of certificates served' });
    await history.getByRole('cell', { name: hosts.short }).waitFor();
    await page.getByText(/Last handshake succeeded · TLS 1.3/).waitFor();
    const verdicts = page.getByRole('list', { name: 'Verdicts' });
    if (caBundle) await verdicts.getByText("Trusted through your organization's CA bundle").waitFor();
    await verdicts.getByText(`Matches ${hosts.short}`).waitFor();
    await verdicts.getByText('No weakness found').waitFor();
    await shot(page, '09-domain-detail');
  });

  await check('Check now on the domain page reaches the agent and shows its result without a reload', async () => {
    await page.goto(`/domains/${ids.short}`);
    await page.getByRole('button', { name: 'Check now' }).click();
    // The test is the agent: its control channel hands it the check...
    const poll = await fetch(`${base}/api/v1/agent/channel?wait=10`, {
      method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ack: [], status: { platform: 'linux/amd64', spool_batches: 0 } }),
    });
    equal(poll.status, 200, 'POST /agent/channel');
    const { commands } = await poll.json();
    const cmd = commands.find((c) => c.kind === 'check');
    if (!cmd || !cmd.target_ids.includes(ids.short)) throw new Error(`commands ${JSON.stringify(commands)}`);
    // ...and it pushes the same chain again, which the open page picks up.
    const result = {
      target_id: ids.short, address: '10.0.0.1:443', observed_at: new Date().toISOString(), duration_ms: 40, tls_version: 'TLS 1.3',
      cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: chains.short,
    };
    const r = await fetch(`${base}/api/v1/agent/results`, {
      method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batch_id: `e2e-check-${stamp}`, agent_version: 'e2e-1.0', results: [result] }),
    });
    equal(r.status, 200, 'POST /agent/results');
    await page.getByRole('status').getByText(new RegExp(`Checked at .*: ${shortStatus()}`, "i")).waitFor();
    await fetch(`${base}/api/v1/agent/channel?wait=0`, {
      method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ack: commands.map((c) => c.id), status: { platform: 'linux/amd64', spool_batches: 0 } }),
    });
    await shot(page, '09b-check-now');
  });

  await check('an unreachable domain shows its last error', async () => {
    await page.goto(`/domains/${ids.down}`);
    const notice = page.locator('.notice-error').filter({ hasText: 'The connection was refused' });
    await notice.getByText('The endpoint refused the connection: nothing listens on this port.').waitFor();
    const errors = page.getByRole('region', { name: 'Recent errors' });
    if (await errors.count()) await errors.getByRole('cell', { name: 'The connection was refused', exact: true }).waitFor();
    await shot(page, '10-domain-unreachable');
  });

  await check('the certificate inventory lists the served certificates when the server has it', async () => {
    await page.goto('/certificates');
    const none = page.getByText('The certificate inventory is not available on this server yet');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: hosts.short, exact: true }) });
    await Promise.race([none.waitFor(), row.waitFor()]);
    if (await row.count()) {
      await row.getByLabel('Days left: 10 days').waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Certificates' }).waitFor();
      await shot(page, '10b-certificates');
    }
  });

  await check('agents list status, version, last seen and targets; rename works', async () => {
    await page.goto('/agents');
    const row = page.getByRole('row').filter({ hasText: 'office-lan' });
    await row.getByText('Online').waitFor();
    await row.getByText('e2e-1.0').waitFor();
    await row.getByRole('cell', { name: '4', exact: true }).waitFor();
    await row.getByText(/^Live since/).waitFor();
    await row.getByText('linux/amd64').waitFor();
    await row.getByRole('button', { name: 'Rename office-lan' }).click();
    await page.getByLabel('New name for office-lan').fill('office-lan-2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'office-lan-2', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Rotate the token of office-lan-2' }).click();
    const dialog = page.getByRole('dialog', { name: /Rotate the token/ });
    await dialog.getByRole('radio', { name: /Graceful/ }).waitFor();
    await dialog.getByRole('button', { name: 'Rotate token' }).click();
    await dialog.getByText(/Rotation requested/).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row').filter({ hasText: 'office-lan-2' }).getByText('rotation pending').waitFor();
    await shot(page, '11-agents');
  });

  await check('account page shows the user and signs out', async () => {
    await page.goto('/account');
    await page.getByText(email).first().waitFor();
    await page.getByRole('definition').getByText('Owner', { exact: true }).waitFor();
    await shot(page, '12-account');
  });

  const receiver = server.receiver;
  const channelName = `hook-${stamp}`;
  await check('a webhook channel is created and "Send test" reaches the local receiver', async () => {
    await page.goto('/alerts');
    // A new organization starts with an email channel to its owner and a default rule.
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New alert channel' });
    await form.getByLabel('Type').selectOption('webhook');
    await form.getByLabel('Name').fill(channelName);
    await form.getByLabel('URL').fill(`${receiver.url}/hook`);
    await form.getByLabel('Signing secret').fill('e2e-signing-secret');
    await form.getByRole('button', { name: 'Create channel' }).click();
    const ch = page.getByRole('article', { name: `Channel ${channelName}` });
    await ch.getByText('signed').waitFor();
    const before = receiver.requests.length;
    await ch.getByRole('button', { name: `Send test to ${channelName}` }).click();
    await ch.getByText(/Test delivered in \d+ ms/).waitFor({ timeout: 25_000 });
    await until('receiver got the test', async () => receiver.requests.length > before || receiver.requests.length);
    const got = receiver.requests.at(-1);
    equal(got.url, '/hook', 'receiver path');
    if (!JSON.stringify(got.json ?? got.body).includes('test')) throw new Error(`test payload: ${got.body.slice(0, 300)}`);
    if ((await page.content()).includes('e2e-signing-secret')) throw new Error('the secret came back to the page');
    await shot(page, '15-alert-channel-tested');
  });

  const ruleName = `Expiring soon ${stamp}`;
  await check('an alert rule is created in the editor (thresholds, events, channel, scope)', async () => {
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Rule name').fill('');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await form.getByText('Give the rule a name').waitFor();
    await form.getByLabel('Rule name').fill(ruleName);
    await form.getByLabel('Add a threshold in days').fill('60');
    await form.getByLabel('Add a threshold in days').press('Enter');
    await form.getByRole('checkbox', { name: new RegExp(channelName) }).check();
    await form.getByRole('radio', { name: 'Domains checked by agents' }).check();
    await form.getByRole('checkbox', { name: 'office-lan-2' }).check();
    await shot(page, '16-alert-rule-editor');
    await form.getByRole('button', { name: 'Create rule' }).click();
    const row = page.locator('.rule-row').filter({ hasText: ruleName });
    await row.getByText('60d').waitFor();
    await row.getByText(channelName).waitFor();
    await shot(page, '17-alerts');
  });

  const alertHost = `alert-${stamp}.e2e.example`;
  await check('an expiring chain pushed through the agent protocol shows as an event with a sent webhook delivery', async () => {
    const csrf = (await (await page.request.get(`${base}/api/v1/me`)).json()).csrf_token;
    const agentsList = (await (await page.request.get(`${base}/api/v1/agents`)).json()).items;
    const created = await page.request.post(`${base}/api/v1/domains`, {
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      data: { host: alertHost, agent_id: agentsList[0].id, tags: ['alerting'] },
    });
    equal(created.status(), 201, 'POST /domains');
    const domainId = (await created.json()).id;
    ids.alert = domainId;
    // 5 days left of 90, never renewed: the lifetime-aware default urgent.
    const leaf = makeLeaf(ca, alertHost, 5, 85);
    const body = {
      batch_id: `e2e-alert-${stamp}`, agent_version: 'e2e-1.0',
      results: [{ target_id: domainId, address: '10.0.0.9:443', observed_at: new Date().toISOString(), duration_ms: 9, tls_version: 'TLS 1.3', cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: [leaf.der, ca.der] }],
    };
    const r = await fetch(`${base}/api/v1/agent/results`, { method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    equal(r.status, 200, `POST /agent/results ${await r.text()}`);
    await until('the webhook carried the alert', async () => receiver.requests.some((q) => q.body.includes(alertHost)) || receiver.requests.length, 40_000);
    await page.goto('/events');
    // The threshold rule's webhook carries the expiring event (the default
    // rule's email has no SMTP relay here); overdue is an event of its own.
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `${alertHost}:443` }) })
      .filter({ hasText: '1 sent' }).filter({ has: page.getByRole('link', { name: 'Expiring', exact: true }) });
    await until('event row with a sent delivery', async () => {
      if ((await row.count()) > 0) return true;
      await page.reload();
      await page.getByRole('heading', { name: 'Events' }).waitFor();
      return 'not yet';
    }, 30_000);
    await row.first().getByText('Expiring').first().waitFor();
    // Said from the days left, with the threshold crossed (not "within 7 days" alone).
    await row.first().getByText(/^Expires in \d+ days? \(alert threshold: \d+ days?\)$/).first().waitFor({ timeout: 5_000 });
    await row.first().getByRole('button', { name: /Show deliveries/ }).click();
    const delivery = page.getByRole('listitem', { name: `Delivery to ${channelName}: sent` });
    await delivery.waitFor();
    await delivery.getByRole('cell', { name: 'OK', exact: true }).waitFor();
    await shot(page, '18-events');
    await page.getByLabel('State').selectOption('resolved');
    await page.waitForURL(/state=resolved/);
  });

  await check('the domain detail shows its recent alerts, and renew-after is edited with field errors', async () => {
    await page.goto(`/domains/${ids.alert}`);
    const alerts = page.getByRole('region', { name: 'Recent alerts' });
    await alerts.getByText('1 sent').first().waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit domain' });
    await form.getByLabel('Renew after (fraction of lifetime)').fill('1.5');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText(/A fraction between 0 and 1/).waitFor();
    await form.getByLabel('Renew after (fraction of lifetime)').fill('0.66');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('66% of the lifetime').waitFor();
    await shot(page, '19-domain-detail-alerts');
  });

  await check('a CA bundle is uploaded from a .pem file and lists its subjects with expiry', async () => {
    const other = makeCA('Certinel E2E Branch Office CA', 120);
    await page.goto('/ca-bundles');
    await page.getByRole('button', { name: 'Add CA bundle' }).click();
    const form = page.getByRole('form', { name: 'Add a CA bundle' });
    await form.getByLabel('Certificates (PEM)').fill('not a certificate');
    await form.getByLabel('Bundle name').fill('broken');
    await form.getByRole('button', { name: 'Add bundle' }).click();
    await form.getByText(/Paste or upload PEM certificates/).waitFor();
    await form.getByLabel('Certificates (PEM)').fill('');
    await form.getByLabel('Bundle name').fill('');
    await form.getByLabel('…or upload a .pem file').setInputFiles({ name: 'branch-office.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(other.pem) });
    await until('name from the file', async () => (await form.getByLabel('Bundle name').inputValue()) === 'branch-office' || (await form.getByLabel('Bundle name').inputValue()));
    await form.getByRole('button', { name: 'Add bundle' }).click();
    const card = page.getByRole('region', { name: 'CA bundle branch-office' });
    await card.getByRole('cell', { name: 'Certinel E2E Branch Office CA' }).waitFor();
    await card.getByLabel(/Days left: 1(19|20) days/).waitFor();
    if (caBundle) await page.getByRole('region', { name: 'CA bundle e2e private CA' }).waitFor();
    await shot(page, '20-ca-bundles');
  });

  await check('an admin adds the ACME directory of the internal CA that issued served chains', async () => {
    await page.goto('/ca-bundles');
    const section = page.getByRole('region', { name: 'ACME renewal information' });
    await section.getByRole('button', { name: 'Add ACME directory' }).click();
    const form = page.getByRole('form', { name: 'Add an ACME directory' });
    await form.getByLabel('CA name').fill('e2e ACME');
    await form.getByLabel('ACME directory URL').fill('http://acme.e2e.example/directory');
    await form.getByLabel('Issuing CA certificate (SHA-256)').fill(createHash('sha256').update(Buffer.from(makeCA().der, 'base64')).digest('hex'));
    await form.getByRole('button', { name: 'Add directory' }).click();
    await form.getByText('Enter the https URL of the ACME directory').waitFor();
    await form.getByLabel('ACME directory URL').fill('https://acme.e2e.example/directory');
    await form.getByRole('button', { name: 'Add directory' }).click();
    // A CA the organization never served is refused by the server, next to its field.
    await form.getByText(/among the certificates your endpoints served/).waitFor();
    await form.getByLabel('Issuing CA certificate (SHA-256)').fill(createHash('sha256').update(Buffer.from(ca.der, 'base64')).digest('hex'));
    await form.getByRole('button', { name: 'Add directory' }).click();
    await section.getByRole('cell', { name: 'https://acme.e2e.example/directory' }).waitFor();
    await shot(page, '20b-acme-directories');
  });

  await check('CSV import lists row errors, then imports; export is the server\'s CSV', async () => {
    await page.goto('/domains');
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const form = page.getByRole('form', { name: 'Import domains from CSV' });
    const bad = `host,port,protocol,sni,agent,tags\ncsv-a-${stamp}.e2e.example,https,tls,,,\ncsv-b-${stamp}.e2e.example,443,tls,,no-such-agent,\n`;
    await form.getByLabel('CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await form.getByRole('button', { name: 'Import' }).click();
    const table = form.getByRole('table', { name: 'Rows with errors' });
    await table.waitFor();
    await table.getByRole('row').filter({ hasText: 'port' }).getByRole('cell', { name: '2', exact: true }).waitFor();
    await table.getByRole('row').filter({ hasText: 'agent' }).getByRole('cell', { name: '3', exact: true }).waitFor();
    await shot(page, '21-csv-import-errors');
    const good = `host,port,protocol,sni,agent,tags\ncsv-a-${stamp}.e2e.example,8443,tls,,office-lan-2,csv;prod\ncsv-b-${stamp}.e2e.example,465,smtps,,,csv\n${hosts.long},443,tls,,office-lan-2,\n`;
    await form.getByLabel('CSV file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByText('2 domains added, 1 already monitored and skipped.').waitFor();
    await page.getByRole('link', { name: `csv-a-${stamp}.e2e.example:8443` }).waitFor();
    await shot(page, '22-csv-imported');
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    if (!href.startsWith('/api/v1/domains/export')) throw new Error(`export link ${href}`);
    await page.getByLabel('Tag', { exact: true }).fill('csv');
    await page.getByLabel('Tag', { exact: true }).press('Enter');
    await page.waitForURL(/tag=csv/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = (await download.createReadStream().then(async (st) => { const c = []; for await (const x of st) c.push(x); return Buffer.concat(c).toString(); }));
    const lines = csv.trim().split(/\r?\n/);
    equal(lines.length, 3, `exported lines for tag=csv:\n${csv}`);
    if (!lines[0].startsWith('host,port,protocol,sni,agent,tags')) throw new Error(`export header: ${lines[0]}`);
  });

  await check('discovery: a job is created, a found endpoint is pushed by the agent and adopted as a domain', async () => {
    const navBar = page.getByRole('navigation', { name: 'Main' });
    await page.goto('/discovery');
    await page.waitForLoadState('networkidle');
    if ((await navBar.getByRole('link', { name: 'Discovery', exact: true }).count()) === 0) {
      log('discovery: not offered by this server, hidden');
      return;
    }
    await page.getByText('No discovery jobs').waitFor();
    await page.getByRole('button', { name: 'Scan a network' }).click();
    const form = page.getByRole('form', { name: 'New discovery job' });
    await form.getByLabel('Ports').fill('443,8000-8001');
    await form.getByRole('button', { name: 'Create job' }).click();
    await form.getByText('Add at least one host, range or CIDR').waitFor();
    await form.getByLabel('Hosts, ranges and networks').fill('10.0.5.0/30');
    await form.getByLabel('Every (hours, optional)').fill('6');
    await form.getByRole('button', { name: 'Create job' }).click();
    // The form keeps the text while it closes, so wait on the server, not on the page.
    let jobs = [];
    for (let i = 0; i < 50 && jobs.length === 0; i++) {
      jobs = (await (await page.request.get(`${base}/api/v1/discovery-jobs`)).json()).items;
      if (jobs.length === 0) await page.waitForTimeout(100);
    }
    equal(jobs.length, 1, 'discovery jobs');
    equal(jobs[0].interval_seconds, 6 * 3600, 'interval');
    const leaf = makeLeaf(ca, `disc-${stamp}.e2e.example`, 40);
    const body = {
      batch_id: `e2e-disc-${stamp}`, agent_version: 'e2e-1.0',
      results: [{ discovery_job_id: jobs[0].id, address: '10.0.5.1', port: 443, protocol: 'tls', observed_at: new Date().toISOString(), duration_ms: 4, tls_version: 'TLS 1.3', cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: [leaf.der, ca.der] }],
    };
    const r = await fetch(`${base}/api/v1/agent/results`, { method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const res = await r.json();
    equal(res.accepted, 1, `discovery result ${JSON.stringify(res)}`);
    await page.reload();
    const box = page.getByRole('checkbox', { name: 'Select 10.0.5.1:443' });
    await box.waitFor();
    await page.getByRole('row').filter({ has: box }).getByText(`disc-${stamp}.e2e.example`).waitFor();
    await shot(page, '26-discovery');
    await box.check();
    await page.getByRole('button', { name: 'Monitor selected' }).click();
    await page.getByText('Nothing new found').waitFor();
    await page.getByLabel('State').selectOption('known');
    await page.getByRole('row').filter({ hasText: '10.0.5.1:443' }).getByText('monitored').waitFor();
    await page.goto('/domains');
    await page.getByRole('link', { name: new RegExp(`10\\.0\\.5\\.1:443|disc-${stamp}`) }).first().waitFor();
  });

  await check('the overview marks expiry clusters and lists forgotten renewals', async () => {
    // Two endpoints expiring the same day (a cluster), and one name whose
    // renewed certificate is served on :8443 while :443 still has the old one.
    const csrf = (await (await page.request.get(`${base}/api/v1/me`)).json()).csrf_token;
    const agentId = (await (await page.request.get(`${base}/api/v1/agents`)).json()).items[0].id;
    const staleName = `renewed-${stamp}.e2e.example`;
    const specs = [
      { host: `cl-a-${stamp}.e2e.example`, port: 443, days: 61 },
      { host: `cl-b-${stamp}.e2e.example`, port: 443, days: 61 },
      { host: staleName, port: 443, days: 20, name: staleName, issued: 70 },
      { host: staleName, port: 8443, days: 200, name: staleName, issued: 1 },
    ];
    const results = [];
    for (const sp of specs) {
      const r = await page.request.post(`${base}/api/v1/domains`, {
        headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, data: { host: sp.host, port: sp.port, agent_id: agentId },
      });
      equal(r.status(), 201, `POST /domains ${sp.host}:${sp.port}`);
      sp.id = (await r.json()).id;
      results.push({ target_id: sp.id, address: '10.0.0.7:443', observed_at: new Date().toISOString(), duration_ms: 5, tls_version: 'TLS 1.3',
        cipher_suite: 'TLS_AES_128_GCM_SHA256', chain: [makeLeaf(ca, sp.name ?? sp.host, sp.days, sp.issued ?? 1).der, ca.der] });
    }
    const r = await fetch(`${base}/api/v1/agent/results`, { method: 'POST', headers: { ...agentHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batch_id: `e2e-insights-${stamp}`, agent_version: 'e2e-1.0', results }) });
    equal(r.status, 200, 'POST /agent/results (insights)');
    await page.goto('/');
    const clusters = page.getByLabel('Expiry clusters');
    await clusters.getByText(/2 endpoints/).waitFor();
    await clusters.getByRole('link', { name: `cl-a-${stamp}.e2e.example:443` }).waitFor();
    equal(await page.locator('svg.chart rect.bar.cluster').count(), 1, 'cluster bars');
    const stale = page.getByRole('region', { name: 'Forgotten renewals' });
    await stale.getByRole('link', { name: `${staleName}:443` }).waitFor();
    await stale.getByRole('link', { name: `${staleName}:8443` }).waitFor();
    await shot(page, '23-overview-insights');
    await page.goto(`/domains/${specs[2].id}`);
    await page.locator('.page-header').getByText('Stale certificate').waitFor();
    await page.getByText('This endpoint serves a stale certificate.').waitFor();
    await shot(page, '23b-domain-stale');

  });

  await check('the owner sets an expiring floor and the policy; a certificate past its window within the floor turns Expiring', async () => {
    const staleRow = async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Domains', exact: true }).click();
      await page.getByLabel('Search domains').fill(`renewed-${stamp}`);
      return page.getByRole('row').filter({ has: page.getByRole('link', { name: `renewed-${stamp}.e2e.example:443` }) });
    };
    // 20 days left of 90, past its renewal window: overdue, not yet urgent.
    const before = await staleRow();
    await before.getByLabel('Days left: 20 days').waitFor();
    if (trusted) {
      await before.getByText('Renewal overdue', { exact: true }).first().waitFor();
      equal(await before.locator('.days-left').getAttribute('data-tone'), 'warning', 'tone of an overdue renewal');
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization', exact: true }).click();
    await page.getByRole('heading', { name: 'Organization', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'Organization settings' });
    const threshold = form.getByLabel('Expiring threshold (days)');
    const rsa = form.getByLabel('Minimum RSA key size (bits)');
    equal(await threshold.inputValue(), '0', 'default expiring floor: none');
    equal(await rsa.inputValue(), '2048', 'default minimum RSA bits');
    await threshold.fill('30');
    await rsa.fill('3072');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await shot(page, '27-organization');
    const saved = await (await page.request.get(`${base}/api/v1/organization`)).json();
    equal(saved.expiring_threshold_days, 30, 'saved expiring floor');
    equal(saved.policy.min_rsa_bits, 3072, 'saved minimum RSA bits');
    equal(saved.policy.min_ec_bits, 256, 'untouched minimum EC bits');
    await page.reload();
    await until('floor after reload', async () => (await threshold.inputValue()) === '30');
    equal(await rsa.inputValue(), '3072', 'minimum RSA bits after reload');
    // Past its window with 20 days left, within the 30-day floor: Expiring.
    const after = await staleRow();
    await after.getByLabel('Days left: 20 days').waitFor();
    await after.getByRole('list', { name: 'Problems' }).getByText('Expiring soon', { exact: true }).waitFor();
    if (trusted) await after.getByText('Expiring', { exact: true }).waitFor();
  });

  await check('events, alerts and CA bundles are in the navigation; members and audit log when the server has them', async () => {
    const navBar = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Alerts', 'Events', 'CA bundles']) await navBar.getByRole('link', { name, exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    for (const [name, path, heading, file] of [['Members', '/members', 'Members', '24-members'], ['Audit log', '/audit-log', 'Audit log', '25-audit-log']]) {
      if ((await navBar.getByRole('link', { name, exact: true }).count()) === 0) {
        log(`${name}: not offered by this server, hidden`);
        continue;
      }
      await page.goto(path);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      if (name === 'Members') await page.getByRole('cell', { name: `${email} (you)` }).waitFor();
      if (name === 'Audit log') await page.getByRole('cell', { name: /channel|rule|domain/ }).first().waitFor();
      await shot(page, file);
    }
  });

  await check('a second user in a fresh browser sees none of the first one\'s data', async () => {
    const ctx2 = await browser.newContext({ viewport: { width: 1360, height: 900 }, baseURL: base });
    ctx2.setDefaultTimeout(10_000);
    const p2 = await ctx2.newPage();
    setPage(p2);
    await p2.goto('/signup');
    await p2.getByLabel('Work email').fill(`other-${stamp}@example.com`);
    await p2.getByLabel('Password').fill('another long password');
    await p2.getByLabel('Organization').fill('Other Org');
    await p2.getByRole('button', { name: 'Create account' }).click();
    await p2.getByRole('heading', { name: 'Overview' }).waitFor();
    await p2.goto('/domains');
    await p2.getByText('No domains yet').waitFor();
    await shot(p2, '13-second-user-domains');
    await p2.goto(`/domains/${ids.short}`);
    await p2.getByText('Domain not found').waitFor();
    await shot(p2, '14-second-user-not-found');
    await p2.goto('/agents');
    await p2.getByText('No agents yet').waitFor();
    await p2.goto('/tokens');
    await p2.getByText('No API tokens yet').waitFor();
    await ctx2.close();
    setPage(page);
  });

  await check('sign out ends the session', async () => {
    await page.goto('/account');
    await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.goto('/domains');
    await page.waitForURL(/\/login/);
  });

  await check('login brings the user back to the page they asked for', async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/domains$/);
    await page.getByRole('link', { name: `${hosts.short}:443` }).waitFor();
  });

  await check('assets are cached, the index revalidated', async () => {
    const r = await fetch(`${base}/domains`);
    equal(r.headers.get('cache-control'), 'no-cache', 'index cache-control');
    const html = await r.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const a = await fetch(base + asset);
    equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable', 'asset cache-control');
  });

  await ctx.close();
}

async function withPostgres(fn) {
  const url = process.env.TEST_DATABASE_URL;
  const { default: pg } = await import('pg');
  const schema = `e2e_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  try {
    const u = new URL(url);
    u.searchParams.set('search_path', schema);
    await fn(u.toString());
  } finally {
    await client.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
    await client.end();
  }
}

// The agent builds the server offers: a stand-in for the Linux binary with
// its SHA256SUMS, as make agent-dist writes them (cross-building six agents
// for every run would only slow it down).
const agentStandIn = Buffer.from('#!/bin/sh\necho certinel-agent stand-in\n');
function agentDownloads(label) {
  const dir = mkdtempSync(join(work, `agents-${label}-`));
  writeFileSync(join(dir, 'certinel-agent-linux-amd64'), agentStandIn);
  const sum = createHash('sha256').update(agentStandIn).digest('hex');
  writeFileSync(join(dir, 'SHA256SUMS'), `${sum}  certinel-agent-linux-amd64\n`);
  return dir;
}

// runOn runs every module (or E2E_SPEC's) against a server of its own on
// one database; a run that cannot start counts as one failure.
async function runOn(label, wrap, browser) {
  const r = reporter(label);
  r.log(`scenario on ${label}`);
  try {
    await wrap(async (env) => {
      const server = await startServer(label, { ...env, CERTINEL_AGENT_DOWNLOADS_DIR: agentDownloads(label) });
      server.receiver = await startReceiver();
      try {
        // E2E_SPEC=<module> (the name each line below compares with) runs only that module's steps.
        const only = process.env.E2E_SPEC;
        const kit = { label, server, browser, check: r.check, until, equal, log: r.log, shot: (page, name) => shoot(page, label, name), setPage: r.setPage };
        if (!only) await scenario(kit);
        if (!only || only === 'alert-signal') await alertSignal(kit);
        if (!only || only === 'agent-certificates') await agentCertificates(kit);
        if (!only || only === 'enrollment-approval') await enrollmentApproval(kit);
        if (!only || only === 'revocation') await revocation(kit);
        if (!only || only === 'accounts') await accounts(kit);
        if (!only || only === 'defects') await defects(kit);
        if (!only || only === 'post-quantum') await postQuantum(kit);
        if (!only || only === 'work') await dailyWork(kit);
        if (!only || only === 'virtual-hosts') await virtualHosts(kit);
        if (!only || only === 'shell') await shell(kit);
        if (!only || only === 'file-sources') await fileSources(kit);
        if (!only || only === 'channels') await channels(kit);
        if (!only || only === 'backends') await backends(kit);
        if (!only || only === 'routing') await routing(kit);
        if (!only || only === 'smtp-relay') await smtpRelay(kit);
      } finally {
        await server.receiver.close();
        await server.stop();
      }
    });
  } catch (e) {
    r.failures.push(`${label}: aborted`);
    r.log('aborted:', e);
  }
  return r;
}

async function main() {
  const t0 = Date.now();
  if (existsSync(shotsDir)) for (const f of readdirSync(shotsDir)) if (f.startsWith('FAILED-')) rmSync(join(shotsDir, f));
  build();
  const browser = await launch();
  const runs = [['sqlite', async (fn) => fn({})]];
  if (process.env.TEST_DATABASE_URL) runs.push(['postgres', (fn) => withPostgres((u) => fn({ DATABASE_URL: u }))]);
  else log('TEST_DATABASE_URL is unset: SQLite only');
  // The runs share nothing but the browser (each module opens its own
  // context). E2E_CONCURRENT=1 runs them at once, which only pays where the
  // machine has CPU to spare: on a busy one the steps' 10 s waits run out.
  const reports = [];
  try {
    if (process.env.E2E_CONCURRENT === '1') reports.push(...(await Promise.all(runs.map(([label, wrap]) => runOn(label, wrap, browser)))));
    else for (const [label, wrap] of runs) reports.push(await runOn(label, wrap, browser));
  } finally {
    await browser.close();
  }
  const passed = reports.reduce((n, r) => n + r.passed, 0);
  const failures = reports.flatMap((r) => r.failures);
  if (failures.length === 0) rmSync(work, { recursive: true, force: true });
  else log('server logs kept in', work);
  log(`screenshots in ${shotsDir}; ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  if (failures.length) log('failed:', failures.join('; '));
  console.log(`e2e: ${passed} passed, ${failures.length} failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error('[e2e] aborted:', e);
  console.log('e2e: aborted');
  process.exit(1);
});
