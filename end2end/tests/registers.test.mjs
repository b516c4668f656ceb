// The responsibility list on phones: the office publishes it; the principal fills in the school's
// own duties, reads exactly what they sign and signs with a finger; the office then sees the
// school as signed, with the signer and the SHA-256 of the signed text. Also the other register
// pages render at phone size (enforcement with a plain form that works before hydration).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, login, hydrated, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function as(user, options) {
  const ctx = await phone(browser, options);
  const page = await ctx.newPage();
  await login(page, user, undefined, { js: options?.javaScriptEnabled !== false });
  return { ctx, page };
}

async function open(page, path) {
  await page.goto(`${BASE}${path}`);
  await hydrated(page);
}

const TITLE = `校园安全责任清单 ${Date.now()}`;

test('a principal signs the responsibility list and the office sees the school as signed', async () => {
  // Office publishes the list.
  const office = await as('office');
  await open(office.page, '/duties');
  const publish = office.page.locator('details.reg-form');
  await publish.locator('summary').click();
  await publish.locator('input[name="form[title]"]').fill(TITLE);
  await publish.locator('textarea[name="form[duties]"]').fill('落实校长安全第一责任人职责\n每月组织一次隐患排查\n建立安全台账');
  await publish.locator('button[type=submit]').click();
  await office.page.locator('.duty-list h2', { hasText: TITLE }).waitFor({ timeout: 30_000 });
  await shot(office.page, 'registers-duties-published');

  // The principal fills in the school's items and signs with a finger.
  const pr = await as('principal');
  await open(pr.page, '/duties');
  await pr.page.locator('.duty-list h2', { hasText: TITLE }).waitFor();
  const form = pr.page.locator('.sign-form');
  await form.locator('textarea').fill('上下学时段校门口护导\n每周检查消防通道');
  const text = await form.locator('pre.signed-text').textContent();
  assert.ok(text.includes('1. 上下学时段校门口护导') && text.includes('签字人：赵丽华'), 'the signed text is shown in full');
  const canvas = form.locator('canvas.signature-pad');
  await canvas.scrollIntoViewIfNeeded();
  const pad = await canvas.boundingBox();
  await pr.page.mouse.move(pad.x + 30, pad.y + 100);
  await pr.page.mouse.down();
  for (let i = 1; i <= 12; i++) await pr.page.mouse.move(pad.x + 30 + i * 20, pad.y + 100 - (i % 3) * 25);
  await pr.page.mouse.up();
  await shot(pr.page, 'registers-principal-signing');
  await form.locator('button', { hasText: '签字确认' }).click();
  await pr.page.locator('.signed-card').waitFor({ timeout: 60_000 });
  const sha = (await pr.page.locator('.signed-card dd.sha').textContent()).trim();
  assert.match(sha, /^[0-9a-f]{64}$/, 'the SHA-256 of the signed text is shown');
  await shot(pr.page, 'registers-principal-signed');
  await pr.ctx.close();

  // The office sees the school among the signed ones, with the same hash.
  await open(office.page, '/duties');
  const signed = office.page.locator('.signed-school', { hasText: '白榆县实验小学' });
  await signed.waitFor();
  assert.ok((await signed.textContent()).includes('赵丽华'), 'with the signer');
  assert.equal(await signed.locator('.sha').getAttribute('title'), sha, 'with the hash of what was signed');
  assert.equal(await office.page.locator('.unsigned-school', { hasText: '白榆县实验小学' }).count(), 0);
  await shot(office.page, 'registers-office-sees-signed');
  await office.ctx.close();
});

test('an enforcement measure is recorded with a plain form before the page is interactive', async () => {
  const office = await as('office', { javaScriptEnabled: false });
  await office.page.goto(`${BASE}/enforcement?category=measure`);
  const form = office.page.locator('form[action="/fn/reg_record_enforcement"]');
  await office.page.locator('details.reg-form > summary').click();
  await form.locator('select[name="form[kind]"]').selectOption('责令停止使用');
  await form.locator('select[name="form[school_id]"]').selectOption({ label: '白榆县第二中学' });
  await form.locator('input[name="form[doc_no]"]').fill('白教安〔2026〕12号');
  await form.locator('textarea[name="form[note]"]').fill('锅炉房停止使用，待检测合格后恢复');
  await Promise.all([office.page.waitForURL(/\/enforcement/), form.locator('button[type=submit]').click()]);
  const item = office.page.locator('.reg-item', { hasText: '白教安〔2026〕12号' });
  await item.waitFor();
  assert.ok((await item.textContent()).includes('白榆县第二中学'));
  await shot(office.page, 'registers-enforcement-no-js');
  await office.ctx.close();
});

test('the activity and accident registers render at phone size', async () => {
  const office = await as('office');
  await open(office.page, '/activities');
  await office.page.locator('table.reg-table tbody tr').first().waitFor();
  await shot(office.page, 'registers-activities-office');
  await open(office.page, '/accidents');
  await office.page.locator('.reg-totals').waitFor();
  await shot(office.page, 'registers-accidents-office');
  await office.ctx.close();
  const pr = await as('principal');
  await open(pr.page, '/activities');
  await pr.page.locator('.compliance').waitFor();
  await shot(pr.page, 'registers-activities-principal');
  await pr.ctx.close();
});
