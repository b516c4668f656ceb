// Campaign reporting on phones: the principal files the 10-day report that opens today (the demo
// campaign puts today on the last day of period 3); the office sees it on time in the matrix;
// the three tables and the dashboard render at 390×844.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, shot, loggedIn, visit } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const as = (user) => loggedIn(browser, user);
const open = visit;

test('a principal files the period report on time and the office sees it in the matrix', async () => {
  const principal = await as('principal');
  await open(principal.page, '/submissions');
  const item = principal.page.locator('.due-item', { hasText: '第3期' });
  await item.locator('textarea[name=note]').fill('本期完成全校自查，发现隐患均已登记整改。');
  // The figures the report will carry come from the ledger and are shown read-only.
  assert.ok(await item.locator('dl.numbers').count() === 1, 'the period figures are shown');
  await shot(principal.page, 'reports-principal-submissions');
  await item.locator('button[type=submit]').click();
  await principal.page.waitForURL(/\/submissions/);
  await principal.page.locator('.due-item', { hasText: '第3期' }).locator('.due.on-time').waitFor();
  await shot(principal.page, 'reports-principal-filed');
  await principal.ctx.close();

  const office = await as('office');
  await open(office.page, '/submissions');
  const row = office.page.locator('table.matrix tr', { hasText: '白榆县实验小学' });
  const heads = await office.page.locator('table.matrix thead th').allTextContents();
  const col = heads.findIndex((h) => h.startsWith('第3期'));
  assert.ok(col > 0, `a column for period 3 in ${heads}`);
  const cell = row.locator('th, td').nth(col);
  assert.match(await cell.getAttribute('class'), /on-time/);
  // Another school has not filed: period 1 and 2 are missing, period 3 is not yet due.
  const other = office.page.locator('table.matrix tr', { hasText: '白榆县第二中学' });
  assert.match(await other.locator('th, td').nth(col).getAttribute('class'), /pending/);
  await shot(office.page, 'reports-office-matrix');

  await open(office.page, '/reports');
  for (const title of ['隐患排查整改销号统计表', '行政强制措施统计表', '责任追究统计表']) {
    await office.page.getByRole('heading', { name: title }).waitFor();
  }
  const heads1 = await office.page.locator('table.stats').first().locator('thead th').allTextContents();
  assert.deepEqual(heads1.slice(1), ['学校', '幼儿园', '合计']);
  const box = await office.page.locator('.chip').first().boundingBox();
  assert.ok(box.height >= 44, 'period chips are thumb-sized');
  await shot(office.page, 'reports-tables');

  await open(office.page, '/dashboard');
  await office.page.locator('svg.chart').first().waitFor();
  await shot(office.page, 'reports-dashboard');
  await office.ctx.close();
});
