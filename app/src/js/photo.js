// Photos on the phone: read the EXIF time and GPS, make the upload copy (long edge 1600 px,
// JPEG, upright, at most 350 KiB for a typical 12 MP photo) carrying a small EXIF block with that
// time and place, and address it by its SHA-256 (the outbox uploads it). Also the phone's
// location, the camera with the before-photo over it, and the signature pad.

const LONG_EDGE = 1600;
const TARGET_BYTES = 350 * 1024;
const QUALITIES = [0.82, 0.74, 0.66, 0.58, 0.5];

export async function preparePhoto(file) {
  const head = new DataView(await file.slice(0, 256 * 1024).arrayBuffer());
  const meta = readExif(head);
  // Browsers apply the EXIF orientation here, so the copy comes out upright.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, LONG_EDGE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  let jpeg = null;
  for (const q of QUALITIES) {
    jpeg = await toBlob(canvas, q);
    if (jpeg.size <= TARGET_BYTES) break;
  }
  canvas.width = canvas.height = 0;
  let bytes = new Uint8Array(await jpeg.arrayBuffer());
  const exif = buildExif(meta);
  if (exif) bytes = insertApp1(bytes, exif);
  const sha256 = await sha256Hex(bytes);
  const blob = new Blob([bytes], { type: 'image/jpeg' });
  return {
    sha256, blob, url: URL.createObjectURL(blob), width, height, bytes: bytes.length,
    takenAt: meta.takenAt, lat: meta.lat, lon: meta.lon,
  };
}

// The phone's position, or null when it is not shared within `ms`.
export function locate(ms) {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve([p.coords.latitude, p.coords.longitude]),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: ms, maximumAge: 60000 },
    );
  });
}

export function forgetUrl(url) {
  if (url && url.startsWith('blob:')) URL.revokeObjectURL(url);
}

function toBlob(canvas, quality) {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode'))), 'image/jpeg', quality));
}

// ---- EXIF: read DateTimeOriginal and GPS from a JPEG's APP1 ----

function readExif(view) {
  const none = { takenAt: null, lat: null, lon: null };
  try {
    if (view.getUint16(0) !== 0xffd8) return none;
    let p = 2;
    while (p + 4 <= view.byteLength) {
      const marker = view.getUint16(p);
      const len = view.getUint16(p + 2);
      if (marker === 0xffe1 && view.getUint32(p + 4) === 0x45786966) return readTiff(view, p + 10);
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) break;
      p += 2 + len;
    }
  } catch (_) { /* damaged or cut short: no metadata */ }
  return none;
}

function readTiff(v, t) {
  const le = v.getUint16(t) === 0x4949;
  const u16 = (o) => v.getUint16(t + o, le);
  const u32 = (o) => v.getUint32(t + o, le);
  const entries = (ifd) => {
    const out = new Map();
    const n = u16(ifd);
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      out.set(u16(e), { type: u16(e + 2), count: u32(e + 4), at: e + 8 });
    }
    return out;
  };
  const ascii = (e) => {
    const off = e.count > 4 ? u32(e.at) : e.at;
    let s = '';
    for (let i = 0; i < e.count - 1; i++) s += String.fromCharCode(v.getUint8(t + off + i));
    return s;
  };
  const rationals = (e) => {
    const off = u32(e.at);
    const r = [];
    for (let i = 0; i < e.count; i++) r.push(u32(off + i * 8) / (u32(off + i * 8 + 4) || 1));
    return r;
  };
  const ifd0 = entries(u32(4));
  let takenAt = null;
  let lat = null;
  let lon = null;
  if (ifd0.has(0x8769)) {
    const exif = entries(u32(ifd0.get(0x8769).at));
    const dt = exif.get(0x9003) || exif.get(0x9004);
    if (dt) takenAt = ascii(dt);
  }
  if (!takenAt && ifd0.has(0x0132)) takenAt = ascii(ifd0.get(0x0132));
  if (ifd0.has(0x8825)) {
    const gps = entries(u32(ifd0.get(0x8825).at));
    const deg = (r) => r[0] + r[1] / 60 + r[2] / 3600;
    if (gps.has(2) && gps.has(4)) {
      lat = deg(rationals(gps.get(2))) * (gps.has(1) && ascii(gps.get(1)) === 'S' ? -1 : 1);
      lon = deg(rationals(gps.get(4))) * (gps.has(3) && ascii(gps.get(3)) === 'W' ? -1 : 1);
    }
  }
  if (takenAt && !/^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/.test(takenAt)) takenAt = null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) { lat = null; lon = null; }
  return { takenAt, lat, lon };
}

// ---- EXIF: write a minimal block (time taken, GPS) into the upload copy ----

function buildExif(meta) {
  if (!meta.takenAt && meta.lat === null) return null;
  const b = [];
  const u8 = (x) => b.push(x & 0xff);
  const u16 = (x) => { u8(x); u8(x >> 8); };
  const u32 = (x) => { u16(x & 0xffff); u16(x >>> 16); };
  const entry = (tag, type, count, value) => { u16(tag); u16(type); u32(count); u32(value); };
  // Layout (little-endian TIFF): header 8 | IFD0 | Exif IFD | GPS IFD | data.
  const hasGps = meta.lat !== null;
  const n0 = 1 + (hasGps ? 1 : 0);
  const ifd0 = 8;
  const exifIfd = ifd0 + 2 + n0 * 12 + 4;
  const gpsIfd = exifIfd + 2 + 12 + 4;
  const gpsLen = hasGps ? 2 + 5 * 12 + 4 : 0;
  const dataAt = gpsIfd + gpsLen;
  const time = (meta.takenAt || '').padEnd(19, ' ').slice(0, 19) + '\0';
  const latAt = dataAt + 20;
  const lonAt = latAt + 24;
  u8(0x49); u8(0x49); u16(42); u32(ifd0);
  u16(n0);
  entry(0x8769, 4, 1, exifIfd);
  if (hasGps) entry(0x8825, 4, 1, gpsIfd);
  u32(0);
  u16(1);
  entry(0x9003, 2, 20, dataAt);
  u32(0);
  if (hasGps) {
    u16(5);
    entry(0x0000, 1, 4, 0x00000302); // GPSVersionID 2.3.0.0
    entry(0x0001, 2, 2, meta.lat < 0 ? 0x53 : 0x4e);
    entry(0x0002, 5, 3, latAt);
    entry(0x0003, 2, 2, meta.lon < 0 ? 0x57 : 0x45);
    entry(0x0004, 5, 3, lonAt);
    u32(0);
  }
  for (let i = 0; i < 20; i++) u8(time.charCodeAt(i));
  if (hasGps) {
    for (const x of [Math.abs(meta.lat), Math.abs(meta.lon)]) {
      const d = Math.floor(x);
      const m = Math.floor((x - d) * 60);
      const s = Math.round(((x - d) * 60 - m) * 60 * 1000);
      u32(d); u32(1); u32(m); u32(1); u32(s); u32(1000);
    }
  }
  return new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...b]);
}

// Puts an APP1 segment after the JFIF header the canvas wrote (or right after SOI).
function insertApp1(jpeg, payload) {
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4] << 8) | jpeg[5]);
  const len = payload.length + 2;
  const out = new Uint8Array(jpeg.length + 2 + len);
  out.set(jpeg.subarray(0, at), 0);
  out.set([0xff, 0xe1, len >> 8, len & 0xff], at);
  out.set(payload, at + 4);
  out.set(jpeg.subarray(at), at + 2 + len);
  return out;
}

// ---- SHA-256: WebCrypto where the page is a secure context, a small fallback elsewhere ----

async function sha256Hex(bytes) {
  const digest = globalThis.crypto && crypto.subtle
    ? new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    : sha256(bytes);
  return Array.from(digest, (x) => x.toString(16).padStart(2, '0')).join('');
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function sha256(data) {
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const bitLen = data.length * 8;
  const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const dv = new DataView(padded.buffer);
  dv.setUint32(padded.length - 8, Math.floor(bitLen / 0x100000000));
  dv.setUint32(padded.length - 4, bitLen >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  const out = new Uint8Array(32);
  const odv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) odv.setUint32(i * 4, h[i]);
  return out;
}

// ---- Taking the after-photo with the before-photo faded over the camera view ----

// Opens the rear camera full screen with `beforeUrl` laid over it at 40 % so the same spot is
// shot from the same angle. Resolves with a File, or null when closed or when the browser has no
// camera access (the caller then falls back to the ordinary file input).
export function cameraWithOverlay(beforeUrl, labels) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return Promise.resolve(null);
  return new Promise(async (resolve) => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment', width: { ideal: 1920 }, height: { ideal: 1440 } }, audio: false,
      });
    } catch (_) { resolve(null); return; }
    const root = document.createElement('div');
    root.className = 'overlay-camera';
    const video = document.createElement('video');
    video.playsInline = true; video.muted = true; video.srcObject = stream;
    const ghost = document.createElement('img');
    ghost.src = beforeUrl; ghost.alt = ''; ghost.className = 'ghost';
    const bar = document.createElement('div');
    bar.className = 'overlay-bar';
    const close = document.createElement('button');
    close.type = 'button'; close.className = 'button secondary'; close.textContent = labels.close;
    const toggle = document.createElement('button');
    toggle.type = 'button'; toggle.className = 'button secondary'; toggle.textContent = labels.toggle;
    const shoot = document.createElement('button');
    shoot.type = 'button'; shoot.className = 'button primary shutter'; shoot.textContent = labels.shoot;
    bar.append(close, toggle, shoot);
    root.append(video, ghost, bar);
    document.body.append(root);
    await video.play().catch(() => {});
    const done = (file) => { stream.getTracks().forEach((t) => t.stop()); root.remove(); resolve(file); };
    close.onclick = () => done(null);
    toggle.onclick = () => { ghost.hidden = !ghost.hidden; };
    shoot.onclick = () => {
      const c = document.createElement('canvas');
      c.width = video.videoWidth; c.height = video.videoHeight;
      c.getContext('2d').drawImage(video, 0, 0);
      c.toBlob((b) => done(b ? new File([b], 'after.jpg', { type: 'image/jpeg' }) : null), 'image/jpeg', 0.92);
    };
  });
}

// ---- A handwritten signature drawn on a canvas ----

export function attachSignaturePad(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  canvas.width = Math.round(rect.width * ratio);
  canvas.height = Math.round(rect.height * ratio);
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.lineWidth = 2.5; g.lineCap = 'round'; g.lineJoin = 'round'; g.strokeStyle = '#111827';
  let drawing = false;
  const at = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.onpointerdown = (e) => { drawing = true; canvas.setPointerCapture(e.pointerId); g.beginPath(); g.moveTo(...at(e)); e.preventDefault(); };
  canvas.onpointermove = (e) => { if (!drawing) return; g.lineTo(...at(e)); g.stroke(); canvas.dataset.signed = '1'; e.preventDefault(); };
  canvas.onpointerup = canvas.onpointercancel = () => { drawing = false; canvas.dispatchEvent(new Event('signed')); };
}

export function clearSignature(canvas) {
  canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
  delete canvas.dataset.signed;
}

// The signature as a PNG (white background) with its address, or null when nothing was drawn.
export async function signatureBlob(canvas) {
  if (!canvas.dataset.signed) return null;
  const c = document.createElement('canvas');
  c.width = canvas.width; c.height = canvas.height;
  const g = c.getContext('2d');
  g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height); g.drawImage(canvas, 0, 0);
  const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
  const sha256 = await sha256Hex(new Uint8Array(await blob.arrayBuffer()));
  return { sha256, blob };
}

// Shows the phone's own copy of a photo when the server's cannot be fetched (offline).
export async function useLocalPhoto(img, sha256) {
  if (img.dataset.local || !self.XiaoanOffline) return;
  img.dataset.local = '1';
  const url = await self.XiaoanOffline.photoUrl(sha256);
  if (url) img.src = url;
}
