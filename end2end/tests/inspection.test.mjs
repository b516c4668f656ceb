// The demo inspector walks a whole unannounced inspection on a phone: every item answered, three
// failures each with a 12 MP camera photo (EXIF orientation 6, time and GPS) that the browser
// shrinks before upload; submitting reports three hazards and shows the printable record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, login, hydrated, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A little-endian EXIF block: Orientation 6 (held upright), DateTimeOriginal, GPS.
function exifApp1() {
  const b = [];
  const u8 = (x) => b.push(x & 0xff);
  const u16 = (x) => { u8(x); u8(x >> 8); };
  const u32 = (x) => { u16(x & 0xffff); u16(x >>> 16); };
  const entry = (tag, type, count, value) => { u16(tag); u16(type); u32(count); u32(value); };
  const ifd0 = 8, exifIfd = ifd0 + 2 + 3 * 12 + 4, gpsIfd = exifIfd + 2 + 12 + 4;
  const data = gpsIfd + 2 + 4 * 12 + 4, lat = data + 20, lon = lat + 24;
  u8(0x49); u8(0x49); u16(42); u32(ifd0);
  u16(3); entry(0x0112, 3, 1, 6); entry(0x8769, 4, 1, exifIfd); entry(0x8825, 4, 1, gpsIfd); u32(0);
  u16(1); entry(0x9003, 2, 20, data); u32(0);
  u16(4); entry(1, 2, 2, 0x4e); entry(2, 5, 3, lat); entry(3, 2, 2, 0x45); entry(4, 5, 3, lon); u32(0);
  for (const c of '2026:11:28 09:41:00\0') u8(c.charCodeAt(0));
  for (const [d, m, s] of [[44, 48, 43200], [123, 5, 16800]]) { u32(d); u32(1); u32(m); u32(1); u32(s); u32(1000); }
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...b];
  const len = payload.length + 2;
  return Buffer.from([0xff, 0xe1, len >> 8, len & 0xff, ...payload]);
}

// A 4000×3000 camera-like JPEG (gradients, shapes, a little noise) made by the browser; the
// stored left edge is red, which is the top once orientation 6 is applied.
async function twelveMegapixelPhoto(page) {
  const b64 = await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 4000; c.height = 3000;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 4000, 3000);
    grad.addColorStop(0, '#7aa6c2'); grad.addColorStop(1, '#d9c7a3');
    g.fillStyle = grad; g.fillRect(0, 0, 4000, 3000);
    for (let i = 0; i < 60; i++) {
      g.fillStyle = `hsl(${(i * 47) % 360} 40% ${30 + (i % 5) * 10}%)`;
      g.fillRect((i * 613) % 3600 + 400, (i * 331) % 2600, 300 + (i % 7) * 60, 200 + (i % 5) * 50);
    }
    const img = g.getImageData(0, 0, 4000, 3000);
    let seed = 7;
    for (let i = 0; i < img.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = (seed % 17) - 8;
      img.data[i] += n; img.data[i + 1] += n; img.data[i + 2] += n;
    }
    g.putImageData(img, 0, 0);
    g.fillStyle = '#ff0000'; g.fillRect(0, 0, 400, 3000);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const jpeg = Buffer.from(b64, 'base64');
  // Insert the EXIF block right after SOI, as a camera writes it.
  return Buffer.concat([jpeg.subarray(0, 2), exifApp1(), jpeg.subarray(2)]);
}

test('an inspector walks an unannounced inspection with three photographed failures and submits it', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await login(page, 'inspector');
  await page.goto(`${BASE}/inspect`);
  await hydrated(page);
  const photo = await twelveMegapixelPhoto(page);
  assert.ok(photo.length > 1_000_000, `the camera photo is large (${photo.length} bytes)`);
  await shot(page, 'inspect-start');

  const school = page.locator('li.item', { hasText: '白榆县实验小学' });
  await Promise.all([page.waitForURL(/\/inspections\//), school.locator('button[value=unannounced]').click()]);
  await hydrated(page);
  const id = new URL(page.url()).pathname.split('/').pop();
  const items = page.locator('article.check-item');
  // The inspection page's code may still be on its way (pages load on demand).
  await items.first().waitFor();
  const n = await items.count();
  assert.ok(n >= 10, `a real checklist (${n} items)`);
  assert.ok((await page.textContent('body')).includes('提交前学校看不到'), 'the inspector is told the visit is sealed');

  const failures = [0, 3, 6];
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    if (!failures.includes(i)) {
      await item.locator('button.outcome.pass').click();
      continue;
    }
    await item.locator('button.outcome.fail').click();
    await item.locator('.hazard-draft').waitFor();
    await item.locator('input[type=file][multiple]').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    await item.locator('.thumb:not(.pending)').waitFor({ timeout: 60_000 });
    const meta = await item.locator('.thumb-meta').textContent();
    assert.ok(meta.includes('11-28 09:41') && meta.includes('44.8120'), `EXIF time and GPS read on the phone: ${meta}`);
    if (i === 0) await shot(page, 'inspection-walk-failure');
  }
  await page.locator('.save-state', { hasText: '已保存到服务器' }).waitFor();
  const submit = page.locator('button', { hasText: '提交检查' });
  await submit.waitFor();
  assert.ok(await submit.isEnabled(), 'complete: the submit button is enabled');

  // What reached the server: at most 350 KiB, 1600 px long edge, upright (red on top).
  const hrefs = await page.$$eval('.thumb a', (as) => as.map((a) => a.getAttribute('href')));
  assert.equal(hrefs.length, 3);
  const original = hrefs[0].replace('/display', '/original');
  const check = await page.evaluate(async (url) => {
    const blob = await (await fetch(url)).blob();
    const bmp = await createImageBitmap(blob, { imageOrientation: 'none' });
    const c = document.createElement('canvas');
    c.width = bmp.width; c.height = bmp.height;
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    const px = (x, y) => Array.from(g.getImageData(x, y, 1, 1).data);
    return { bytes: blob.size, width: bmp.width, height: bmp.height, top: px(bmp.width / 2, 20), bottom: px(bmp.width / 2, bmp.height - 20) };
  }, original);
  assert.ok(check.bytes <= 350 * 1024, `upload copy is ${check.bytes} bytes`);
  assert.deepEqual([check.width, check.height], [1200, 1600], 'portrait, long edge 1600');
  assert.ok(check.top[0] > 200 && check.top[1] < 60, `red on top: ${check.top}`);
  assert.ok(check.bottom[0] < 250 || check.bottom[1] > 60, `not red at the bottom: ${check.bottom}`);

  await submit.click();
  await page.locator('h2', { hasText: '检查记录' }).waitFor({ timeout: 30_000 });
  // Kept on the phone, then sent: the record shows what the server made of it.
  await page.locator('h2', { hasText: '发现隐患 (3)' }).waitFor({ timeout: 60_000 });
  const hazards = await page.evaluate(async (id) => (await (await fetch(`/api/v1/inspections/${id}`)).json()).hazards, id);
  assert.equal(hazards.length, 3);
  assert.ok(hazards.every((h) => h.status === 'reported'), 'every hazard is reported');
  await shot(page, 'inspection-record');
  await page.emulateMedia({ media: 'print' });
  await shot(page, 'inspection-record-print');
  await ctx.close();

  // Now, and only now, the school sees it.
  const pctx = await phone(browser);
  const ppage = await pctx.newPage();
  await login(ppage, 'principal');
  await hydrated(ppage);
  assert.ok((await ppage.textContent('body')).includes('暗查暗访'), "the principal's home lists the submitted visit");
  await pctx.close();
});
