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
  assert.ok((await again.textContent('main')).includes('白榆县第二中学'), 'the inspection is listed');
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
