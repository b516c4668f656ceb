// The closed loop on phones, three roles: the inspector reports a hazard with a photo; the
// principal records the plan and submits an after-photo with a signature; the office returns
// it with a reason; the principal resubmits; the office closes it. The timeline shows it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, hydrated, shot, loggedIn, visit } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function smallPhoto(page, hue) {
  const b64 = await page.evaluate(async (hue) => {
    const c = document.createElement('canvas');
    c.width = 800; c.height = 600;
    const g = c.getContext('2d');
    g.fillStyle = `hsl(${hue} 60% 50%)`; g.fillRect(0, 0, 800, 600);
    g.fillStyle = '#fff'; g.fillRect(200, 150, 400, 300);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  }, hue);
  return { name: `photo-${hue}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

const as = (user) => loggedIn(browser, user);
const open = visit;

async function submitRectification(page, hue) {
  const box = page.locator('.submit-rect');
  await box.locator('input[type=file][multiple]').setInputFiles(await smallPhoto(page, hue));
  await box.locator('.thumb:not(.pending)').waitFor({ timeout: 30_000 });
  await box.locator('textarea').fill('已更换灭火器，并建立每月检查记录。');
  const pad = await box.locator('canvas.signature-pad').boundingBox();
  await page.mouse.move(pad.x + 30, pad.y + 100);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(pad.x + 30 + i * 20, pad.y + 100 - (i % 3) * 25);
  await page.mouse.up();
  await box.locator('button', { hasText: '提交整改' }).last().click();
  await page.locator('.status.submitted').first().waitFor({ timeout: 30_000 });
  // Kept on the phone first; wait until the outbox has sent it.
  await page.locator('.syncbar', { hasText: '全部已上传' }).waitFor({ timeout: 60_000 });
}

test('a hazard goes round the closed loop across three phones', async () => {
  // Inspector: a hazard reported on its own, with a photo.
  const insp = await as('inspector');
  await open(insp.page, '/hazards/new');
  const form = insp.page.locator('section.card');
  await form.locator('select').first().selectOption({ label: '白榆县实验小学' });
  await form.locator('input').first().fill('二楼走廊灭火器压力不足');
  await form.locator('input[type=file][multiple]').setInputFiles(await smallPhoto(insp.page, 10));
  await form.locator('.thumb:not(.pending)').waitFor({ timeout: 30_000 });
  await Promise.all([insp.page.waitForURL(/\/hazards\/[0-9a-f-]{36}$/), form.locator('button', { hasText: '上报隐患' }).click()]);
  const hazardPath = new URL(insp.page.url()).pathname;
  await insp.page.locator('.status.reported').waitFor();
  await insp.ctx.close();

  // Principal: told, sees what was found, records the plan, submits with photo and signature.
  const pr = await as('principal');
  await hydrated(pr.page);
  assert.ok(await pr.page.locator('.bell-count').count() > 0, 'the bell shows a new message');
  assert.ok((await pr.page.textContent('body')).includes('二楼走廊灭火器压力不足'), 'on the home screen');
  await open(pr.page, hazardPath);
  assert.equal(await pr.page.locator('.big-photos img').count(), 1, 'the before-photo is shown');
  const plan = pr.page.locator('form[action="/fn/hazard_action"]').first();
  await plan.locator('input[name="form[responsible]"]').fill('王强（后勤主任）');
  await plan.locator('textarea[name="form[measures]"]').fill('更换灭火器，建立月检制度');
  await plan.locator('input[name="form[funds_yuan]"]').fill('860');
  await plan.locator('input[name="form[deadline]"]').fill('2099-12-31');
  await plan.locator('textarea[name="form[contingency]"]').fill('更换前临时增配两具灭火器');
  await plan.locator('button[type=submit]').click();
  await pr.page.locator('dd', { hasText: '王强（后勤主任）' }).waitFor({ timeout: 30_000 });
  await submitRectification(pr.page, 120);
  await shot(pr.page, 'hazard-submitted-principal');

  // Office: the queue shows before | after; return with a reason in two taps.
  const off = await as('office');
  await open(off.page, '/queue');
  const item = off.page.locator('.queue-item', { hasText: '二楼走廊灭火器压力不足' });
  assert.equal(await item.locator('.before-after img').count(), 2, 'before and after side by side');
  await shot(off.page, 'queue-office');
  await item.locator('details.return > summary').click();
  await Promise.all([off.page.waitForURL(`${BASE}/queue`), item.locator('button[name="form[reason]"]').first().click()]);
  // The URL was /queue already: the return has happened when the hazard leaves the queue.
  await item.waitFor({ state: 'detached', timeout: 30_000 });

  // Principal: sees the reason, resubmits.
  await open(pr.page, hazardPath);
  assert.ok((await pr.page.textContent('.notice.error')).includes('照片不清楚'), 'the return reason is shown');
  await submitRectification(pr.page, 200);

  // Office: closes it (two taps), and the timeline shows every event.
  await open(off.page, '/queue');
  const again = off.page.locator('.queue-item', { hasText: '二楼走廊灭火器压力不足' });
  await again.locator('details.approve > summary').click();
  await Promise.all([off.page.waitForURL(`${BASE}/queue`), again.locator('details.approve button[type=submit]').click()]);
  await again.waitFor({ state: 'detached', timeout: 30_000 });
  await open(off.page, hazardPath);
  await off.page.locator('.status.closed').waitFor();
  const timeline = await off.page.locator('.timeline li').allTextContents();
  const steps = ['上报隐患', '制定整改方案', '提交验收', '退回整改', '提交验收', '验收销号'];
  assert.equal(timeline.length, steps.length, `timeline: ${timeline.join(' | ')}`);
  steps.forEach((s, i) => assert.ok(timeline[i].includes(s), `step ${i + 1} is ${s}: ${timeline[i]}`));
  await shot(off.page, 'hazard-closed-timeline');

  // The ledger counts it as closed.
  await open(off.page, '/ledger');
  await shot(off.page, 'ledger-office');
  await Promise.all([off.ctx.close(), pr.ctx.close()]);
});
