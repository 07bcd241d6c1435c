// A step module's own browser page, and the API calls it makes as the user
// signed up in it (the CSRF token of that signup goes with every POST).
export async function openSession({ browser, base, equal, setPage, log, width = 1360 }) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, baseURL: base });
  ctx.setDefaultTimeout(10_000);
  const page = await ctx.newPage();
  setPage(page);
  page.on('pageerror', (e) => log('[page error]', e.message));
  let csrf = '';
  return {
    ctx,
    page,
    signup: async (data) => {
      const r = await signupWithin(page, base, data, log);
      equal(r.status(), 201, 'signup');
      csrf = (await r.json()).csrf_token;
    },
    post: async (path, data, want = 201) => {
      const r = await page.request.post(`${base}/api/v1${path}`, { headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, data });
      equal(r.status(), want, `POST ${path} ${await r.text()}`);
      return r.json();
    },
  };
}

// signups numbers the API sign-ups of this process.
let signups = 0;

// signupWithin signs up through the API. The server allows 10 sign-ups a
// minute from one client address and a run signs up far more often than
// that: each sign-up comes through the runner, the server's trusted proxy,
// from a client address of its own (TEST-NET-2, never dialled). A 429 is
// still waited out as its Retry-After says, a bounded number of times.
export async function signupWithin(page, base, data, log) {
  signups++;
  const headers = { 'X-Forwarded-For': `198.51.${Math.floor(signups / 250) % 250}.${1 + (signups % 250)}` };
  for (let attempt = 1; ; attempt++) {
    const r = await page.request.post(`${base}/api/v1/auth/signup`, { data, headers });
    if (r.status() !== 429 || attempt === 8) return r;
    const wait = Math.min(Number(r.headers()['retry-after']) || 10, 30);
    log(`sign-up rate limit: waiting ${wait}s`);
    await page.waitForTimeout(wait * 1000);
  }
}
