// Each demo role logs in on a phone and sees its home screen; the language switch works and
// persists; the login form works with JavaScript off; admin screens work once hydrated.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, login, hydrated, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HOMES = [
  ['admin', ['用户管理', '学校管理']],
  ['office', ['待验收', '隐患台账', '统计报表']],
  ['inspector', ['我的检查', '开始检查']],
  ['principal', ['本校隐患', '白榆县实验小学']],
];

for (const [user, expected] of HOMES) {
  test(`${user} logs in on a phone and sees their home screen in Chinese`, async () => {
    const ctx = await phone(browser);
    const page = await ctx.newPage();
    await login(page, user);
    assert.equal(new URL(page.url()).pathname, '/');
    await hydrated(page);
    const text = await page.textContent('body');
    for (const e of expected) assert.ok(text.includes(e), `${user}'s home shows ${e}`);
    assert.ok(text.includes('教育系统冬春安全整治大会战'), 'the running campaign is shown');
    assert.ok(text.includes('第二阶段'), 'today falls in phase 2');
    const tabs = await page.$$eval('nav.tabbar a', (as) => as.map((a) => a.getBoundingClientRect().height));
    assert.ok(tabs.length >= 2 && tabs.every((h) => h >= 44), `tab targets are at least 44 px: ${tabs}`);
    await shot(page, `home-${user}-zh`);
    await ctx.close();
  });
}

test('the language switch turns the app to English and the choice persists', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await page.goto(`${BASE}/login`);
  await hydrated(page);
  await Promise.all([page.waitForURL(`${BASE}/login`), page.click('a.lang-switch')]);
  assert.ok((await page.textContent('h1')).includes('School Safety Inspection'));
  await shot(page, 'login-en');
  await login(page, 'office');
  await hydrated(page);
  const text = await page.textContent('body');
  assert.ok(text.includes('Closure queue') && text.includes('Hazard ledger'), 'home in English');
  await shot(page, 'home-office-en');
  await page.reload();
  assert.ok((await page.textContent('body')).includes('Closure queue'), 'still English after reload');
  await Promise.all([page.waitForURL(`${BASE}/`), page.click('a.lang-switch')]);
  assert.ok((await page.textContent('body')).includes('待验收'), 'and back to Chinese');
  await ctx.close();
});

test('the login form works with JavaScript disabled, errors included', async () => {
  const ctx = await phone(browser, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  await login(page, 'principal', 'not-the-password', { js: false });
  assert.ok((await page.textContent('.notice.error')).includes('用户名或密码不正确'));
  await shot(page, 'login-error-nojs');
  await login(page, 'principal', undefined, { js: false });
  assert.equal(new URL(page.url()).pathname, '/');
  assert.ok((await page.textContent('body')).includes('本校隐患'));
  await ctx.close();
});

test('a wrong password says so in the hydrated app too', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, 'inspector', 'not-the-password');
  assert.ok((await page.textContent('.notice.error')).includes('用户名或密码不正确'));
  await ctx.close();
});

test('the admin creates a principal on the phone, who can then log in', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, 'admin');
  await page.goto(`${BASE}/admin/users`);
  await hydrated(page);
  await page.click('details.card > summary');
  await page.fill('input[name="form[username]"]', 'kaitong');
  await page.fill('input[name="form[display_name]"]', '吕秀珍');
  await page.selectOption('select[name="form[role]"]', 'principal');
  await page.selectOption('select[name="form[school_id]"]', { label: '开通镇中心小学' });
  await page.fill('input[name="form[password]"]', 'willow-bridge-26');
  await page.click('details.card button[type=submit]');
  await page.waitForSelector('.notice.ok');
  assert.ok((await page.textContent('.list')).includes('吕秀珍'));
  await shot(page, 'admin-users');

  const other = await phone(browser);
  const p2 = await other.newPage();
  await login(p2, 'kaitong', 'willow-bridge-26');
  await hydrated(p2);
  assert.ok((await p2.textContent('body')).includes('开通镇中心小学'));
  await other.close();
  await ctx.close();
});

test('the admin reads who did what in the audit log, on the phone, and filters it', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, 'principal', 'not-the-password', { js: false });
  await login(page, 'admin');
  await page.goto(`${BASE}/admin/audit`);
  await hydrated(page);
  const first = await page.locator('ul.audit li').first().textContent();
  assert.ok(first.includes('login') && first.includes('admin'), `newest first: ${first}`);
  await shot(page, 'admin-audit');
  // A plain GET form: filter by account and action.
  await page.fill('input[name=user]', 'principal');
  await page.fill('input[name=action]', 'login');
  await Promise.all([page.waitForURL(/user=principal/), page.click('form.card button[type=submit]')]);
  await hydrated(page);
  const rows = await page.locator('ul.audit li').allTextContents();
  assert.ok(rows.length >= 1 && rows.every((r) => r.includes('login') && r.includes('user:principal')), rows.join(' | '));
  assert.ok(rows.some((r) => r.includes('login.failed') && r.includes('未登录')), `a failed login, with no actor: ${rows.join(' | ')}`);
  await ctx.close();
});

test('schools can be searched on the phone and unknown pages say so', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, 'inspector');
  await page.goto(`${BASE}/schools`);
  await hydrated(page);
  await page.fill('input[name=q]', '幼儿园');
  await Promise.all([page.waitForURL(/q=/), page.press('input[name=q]', 'Enter')]);
  await page.waitForFunction(() => document.querySelectorAll('.list .item').length === 9);
  await shot(page, 'schools-search');
  const res = await page.goto(`${BASE}/nowhere`);
  assert.equal(res.status(), 404);
  assert.ok((await page.textContent('body')).includes('页面不存在'));
  await ctx.close();
});
