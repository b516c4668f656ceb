// Shared set-up for browser tests: Debian's chromium driven by playwright-core at a phone size.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = process.env.XIAOAN_E2E_URL ?? 'http://127.0.0.1:3000';
export const PASSWORD = 'demo1234';
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/// A phone: 390×844 at 3× with touch, like a common mid-range Android or iPhone.
export async function phone(browser, { javaScriptEnabled = true } = {}) {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', javaScriptEnabled,
  });
  // What the page said, so that a page that never hydrates explains itself.
  ctx.on('page', (page) => {
    page.xiaoanLog = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') page.xiaoanLog.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => page.xiaoanLog.push(`pageerror: ${e.message}`));
  });
  return ctx;
}

/// Waits until the page has hydrated (the wasm app marks <body data-hydrated>), and fails if the
/// browser refused anything under the content security policy on the way.
export async function hydrated(page) {
  try {
    await page.waitForSelector('body[data-hydrated]', { timeout: 60_000 });
  } catch (e) {
    await shot(page, `not-hydrated-${Date.now()}`).catch(() => {});
    e.message += `\nat ${page.url()}; the page said:\n${(page.xiaoanLog ?? []).slice(-20).join('\n')}`;
    throw e;
  }
  noPolicyViolations(page);
}

/// Throws if the page logged a content-security-policy refusal.
export function noPolicyViolations(page) {
  const refused = (page.xiaoanLog ?? []).filter((l) => l.includes('Content Security Policy'));
  if (refused.length) throw new Error(`at ${page.url()} the browser refused:\n${refused.join('\n')}`);
}

export async function login(page, username, password = PASSWORD, { js = true } = {}) {
  await page.goto(`${BASE}/login`);
  if (js) await hydrated(page);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/fn/')), page.click('button[type=submit]')]);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/// A new phone logged in as `user`: { ctx, page }.
export async function loggedIn(browser, user) {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, user);
  return { ctx, page };
}

/// Opens a path and waits for hydration.
export async function visit(page, path) {
  await page.goto(`${BASE}${path}`);
  await hydrated(page);
}
