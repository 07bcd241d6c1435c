#!/usr/bin/env node
// Times the dashboard's main pages in Debian's Chromium against a running
// server, for the scale harness (make bench-scale): for each page, the
// first contentful paint and the moment its data is on screen, from the
// start of the navigation, over a few fresh navigations. It prints one JSON
// object; it measures and never asserts.
//
//   PAINT_URL=http://127.0.0.1:8080 PAINT_EMAIL=… PAINT_PASSWORD=… node scripts/first-paint.mjs
import { chromium } from 'playwright-core';

const base = process.env.PAINT_URL;
const email = process.env.PAINT_EMAIL;
const password = process.env.PAINT_PASSWORD;
const runs = Number(process.env.PAINT_RUNS || 3);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!base || !email || !password) {
  console.error('first-paint: set PAINT_URL, PAINT_EMAIL and PAINT_PASSWORD');
  process.exit(2);
}

// Each page is ready when the element showing its data is there.
const pages = [
  { name: 'overview', path: '/', ready: 'ul.tiles[aria-busy="false"]' },
  { name: 'domains', path: '/domains', ready: 'table tbody tr' },
  { name: 'certificates', path: '/certificates', ready: 'table tbody tr' },
];

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));

  const out = {};
  for (const p of pages) {
    const fcp = [];
    const ready = [];
    for (let i = 0; i < runs; i++) {
      await page.goto(p.path, { waitUntil: 'commit' });
      await page.locator(p.ready).first().waitFor();
      const t = await page.evaluate(() => ({
        ready: performance.now(),
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      }));
      ready.push(t.ready);
      if (t.fcp !== null) fcp.push(t.fcp);
    }
    out[p.name] = { runs, first_paint_ms: summary(fcp), ready_ms: summary(ready) };
  }
  console.log(JSON.stringify(out));
} finally {
  await browser.close();
}

function summary(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return { median: Math.round(s[Math.floor(s.length / 2)]), max: Math.round(s[s.length - 1]) };
}
