// A whole visit with no signal: log in online, go offline, reload, complete an inspection with
// three failures and two photos each, close the page, open it again offline and find everything
// still there and waiting; back online, the server holds exactly one inspection, three hazards and
// the six photos, each matching its SHA-256.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, login, hydrated, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function photo(page, hue) {
  const b64 = await page.evaluate(async (hue) => {
    const c = document.createElement('canvas');
    c.width = 1200; c.height = 900;
    const g = c.getContext('2d');
    g.fillStyle = `hsl(${hue} 55% 45%)`; g.fillRect(0, 0, 1200, 900);
    g.fillStyle = '#fff'; g.fillRect(300 + hue, 200, 400, 300);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, hue);
  return { name: `IMG_${hue}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

async function syncBar(page) {
  const bar = page.locator('.syncbar');
  await bar.waitFor({ timeout: 20_000 });
  return bar.textContent();
}

test('a whole inspection made offline survives a closed page and is sent exactly once', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, 'inspector');
  await hydrated(page);
  // The service worker controls the page and the phone holds its copy of schools and checklists.
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 30_000 });
  for (let i = 0; !(await page.evaluate(() => self.XiaoanOffline.kvGet('checklists'))); i++) {
    assert.ok(i < 100, 'the phone fetched its copy of schools and checklists');
    await page.waitForTimeout(300);
  }
  const photos = [];
  for (let i = 0; i < 6; i++) photos.push(await photo(page, i * 40));
  const before = await page.evaluate(async () => (await (await fetch('/api/v1/inspections')).json()).length);

  await ctx.setOffline(true);
  await page.reload();
  await hydrated(page);
  assert.ok((await syncBar(page)).includes('离线'), 'the bar says offline');
  await page.goto(`${BASE}/inspect`);
  await hydrated(page);
  const school = page.locator('li.item', { hasText: '白榆县第二中学' });
  await Promise.all([page.waitForURL(/\/inspections\//), school.locator('button[value=unannounced]').click()]);
  const id = new URL(page.url()).pathname.split('/').pop();
  const items = page.locator('article.check-item');
  await items.first().waitFor({ timeout: 20_000 });
  const n = await items.count();
  assert.ok(n >= 10, `the checklist came from the phone's copy (${n} items)`);
  const failures = [1, 4, 7];
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    if (!failures.includes(i)) {
      await item.locator('button.outcome.pass').click();
      continue;
    }
    await item.locator('button.outcome.fail').click();
    await item.locator('.hazard-draft').waitFor();
    const k = failures.indexOf(i);
    await item.locator('input[type=file][multiple]').setInputFiles([photos[2 * k], photos[2 * k + 1]]);
    await page.waitForFunction((i) => document.querySelectorAll('article.check-item')[i].querySelectorAll('.thumb:not(.pending)').length === 2, i, { timeout: 30_000 });
  }
  await page.locator('.save-state', { hasText: '已保存在手机' }).waitFor();
  await shot(page, 'offline-walk');
  const shas = await page.$$eval('.thumb a', (as) => as.map((a) => a.getAttribute('href').split('/')[4]));
  assert.equal(new Set(shas).size, 6, 'six photos on the phone');
  await page.locator('button', { hasText: '提交检查' }).click();
  await page.locator('.notice.ok', { hasText: '已提交，保存在手机上' }).waitFor({ timeout: 20_000 });
  await page.close();

  // Open the app again, still offline: everything is there, waiting.
  const again = await ctx.newPage();
  await again.goto(`${BASE}/`);
  await hydrated(again);
  const bar = await syncBar(again);
  assert.ok(bar.includes('6 张照片') && bar.includes('1 次检查'), `the bar counts what waits: ${bar}`);
  // The list is read from the phone's store after hydration: wait for it rather than race it.
  await again.locator('main', { hasText: '白榆县第二中学' }).waitFor({ timeout: 15_000 });
  await shot(again, 'offline-home-waiting');

  // Back online: it all goes, once.
  await ctx.setOffline(false);
  await again.locator('.syncbar', { hasText: '全部已上传' }).waitFor({ timeout: 60_000 });
  const server = await again.evaluate(async ({ id, shas }) => {
    const list = await (await fetch('/api/v1/inspections')).json();
    const insp = await (await fetch(`/api/v1/inspections/${id}`)).json();
    const hashes = [];
    for (const sha of shas) {
      const bytes = await (await fetch(`/api/v1/photos/${sha}/original`)).arrayBuffer();
      const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      hashes.push(Array.from(d, (x) => x.toString(16).padStart(2, '0')).join(''));
    }
    return { count: list.length, status: insp.summary.status, hazards: insp.hazards.length, photos: insp.answers.flatMap((a) => a.photos), hashes };
  }, { id, shas });
  assert.equal(server.count, before + 1, 'exactly one inspection more');
  assert.equal(server.status, 'submitted');
  assert.equal(server.hazards, 3, 'three hazards');
  assert.deepEqual([...new Set(server.photos)].sort(), [...shas].sort(), 'the six photos');
  assert.deepEqual(server.hashes, shas, 'each photo matches its SHA-256');
  await shot(again, 'offline-synced');
  await ctx.close();
});

test('a principal records the plan and the rectification offline, and both arrive in order', async () => {
  // An inspector reports a hazard at the principal's school (online, through the API).
  const ictx = await phone(browser);
  const ipage = await ictx.newPage();
  await login(ipage, 'inspector');
  const hazardId = await ipage.evaluate(async () => {
    const schools = await (await fetch('/api/v1/schools')).json();
    const school = schools.find((s) => s.name === '白榆县实验小学');
    const id = crypto.randomUUID();
    const res = await fetch(`/api/v1/hazards/${id}`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ school_id: school.id, title: '操场东侧围墙裂缝', level: 'general' }),
    });
    return res.ok ? id : null;
  });
  assert.ok(hazardId, 'hazard reported');
  await ictx.close();

  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, 'principal');
  await hydrated(page);
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 30_000 });
  await page.goto(`${BASE}/hazards/${hazardId}`);
  await hydrated(page);
  for (let i = 0; !(await page.evaluate((id) => self.XiaoanOffline.kvGet(`page:hazard:${id}`), hazardId)); i++) {
    assert.ok(i < 100, 'the phone kept the hazard it showed');
    await page.waitForTimeout(200);
  }
  const after = await photo(page, 90);

  await ctx.setOffline(true);
  await page.reload();
  await hydrated(page);
  await page.locator('h2', { hasText: '操场东侧围墙裂缝' }).waitFor({ timeout: 20_000 });
  const plan = page.locator('form[action="/fn/hazard_action"]').first();
  await plan.locator('input[name="form[responsible]"]').fill('刘伟（总务主任）');
  await plan.locator('textarea[name="form[measures]"]').fill('修补裂缝并加固');
  await plan.locator('input[name="form[funds_yuan]"]').fill('3200');
  await plan.locator('input[name="form[deadline]"]').fill('2099-06-30');
  await plan.locator('textarea[name="form[contingency]"]').fill('设置警戒线，禁止靠近');
  await plan.locator('button[type=submit]').click();
  await page.locator('dd', { hasText: '刘伟（总务主任）' }).waitFor({ timeout: 20_000 });

  const box = page.locator('.submit-rect');
  await box.locator('input[type=file][multiple]').setInputFiles(after);
  await box.locator('.thumb:not(.pending)').waitFor({ timeout: 30_000 });
  await box.locator('textarea').fill('已修补并加固。');
  const pad = await box.locator('canvas.signature-pad').boundingBox();
  await page.mouse.move(pad.x + 40, pad.y + 80);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(pad.x + 40 + i * 22, pad.y + 80 - (i % 2) * 30);
  await page.mouse.up();
  await box.locator('button', { hasText: '提交整改' }).last().click();
  await page.locator('.status.submitted').first().waitFor({ timeout: 20_000 });
  const bar = await syncBar(page);
  assert.ok(bar.includes('2 张照片') && bar.includes('1 条隐患处理'), `waiting: ${bar}`);
  await shot(page, 'offline-principal-waiting');

  await ctx.setOffline(false);
  await page.locator('.syncbar', { hasText: '全部已上传' }).waitFor({ timeout: 60_000 });
  const h = await page.evaluate(async (id) => (await fetch(`/api/v1/hazards/${id}`)).json(), hazardId);
  assert.equal(h.summary.status, 'submitted');
  assert.deepEqual(h.events.map((e) => e.action), ['report', 'plan', 'submit']);
  assert.equal(h.after_photos.length, 1);
  assert.ok(h.signature, 'the signature arrived');
  await ctx.close();
});
