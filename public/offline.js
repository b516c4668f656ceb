// 校安巡查 offline layer, shared by the pages and the service worker (a classic script, so the
// worker can importScripts it). It keeps: a key–value copy of what the phone needs to work with no
// signal (filled from GET /api/v1/changes), photo blobs, and the outbox of writes waiting for the
// network. The sync engine sends photos first, then records in the order they were made; every
// write is an idempotent PUT or carries its client-made id, so sending twice is harmless. A write
// the server refuses stays, with the reason, until the user fixes or discards it.
(function (self) {
  'use strict';
  const DB_NAME = 'xiaoan';
  const DB_VERSION = 1;
  const PHOTO_KEEP_MS = 14 * 24 * 3600 * 1000;
  let dbPromise = null;
  let syncing = null;
  let backoffMs = 5000;
  let lastError = '';

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          const d = req.result;
          d.createObjectStore('kv');
          const out = d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
          out.createIndex('key', 'key', { unique: false });
          d.createObjectStore('blobs');
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return dbPromise;
  }

  function done(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async function store(name, mode) {
    return (await db()).transaction(name, mode).objectStore(name);
  }

  // ---- key–value copy (JSON strings) ----

  async function kvGet(key) {
    const v = await done((await store('kv', 'readonly')).get(key));
    return v === undefined ? null : v;
  }

  async function kvSet(key, value) {
    await done((await store('kv', 'readwrite')).put(value, key));
  }

  async function kvDelete(key) {
    await done((await store('kv', 'readwrite')).delete(key));
  }

  async function kvJson(key) {
    const v = await kvGet(key);
    return v === null ? null : JSON.parse(v);
  }

  // ---- outbox ----

  // The outbox of whoever is signed in now (entries without an owner predate owners: anyone's).
  async function all() {
    const list = await done((await store('outbox', 'readonly')).getAll());
    const me = await currentUser();
    return list.filter((e) => e.owner == null || e.owner === me).sort((a, b) => a.seq - b.seq);
  }

  function notify() {
    if (typeof window !== 'undefined' && window.dispatchEvent) {
      window.dispatchEvent(new CustomEvent('xiaoan-outbox'));
    } else if (self.clients) {
      self.clients.matchAll().then((cs) => cs.forEach((c) => c.postMessage({ type: 'xiaoan-outbox' })));
    }
  }

  async function askPersistence() {
    try {
      if (self.navigator && navigator.storage && navigator.storage.persist && !(await navigator.storage.persisted())) {
        await navigator.storage.persist();
      }
    } catch (_) { /* best effort */ }
  }

  // Who is signed in on this phone now (a shared phone: each write belongs to whoever made it).
  async function currentUser() {
    const me = await kvJson('me');
    return me ? me.id : null;
  }

  // Remembers who signed in; a different person than before starts from an empty local copy
  // (their own writes, and anyone else's unsent ones, stay in the outbox).
  async function setMe(json) {
    const before = await kvJson('me');
    const now = JSON.parse(json);
    if (before && now && before.id !== now.id) await clearLocal();
    await kvSet('me', json);
  }

  // A write to send. `key` identifies it: a newer write with the same key replaces one that has
  // not been sent yet (the newest draft of an inspection is all the server needs).
  async function enqueue(item) {
    // Read before the transaction opens: an IndexedDB transaction ends at the first await on
    // anything else.
    const owner = await currentUser();
    const out = await store('outbox', 'readwrite');
    const same = await done(out.index('key').getAll(item.key));
    const waiting = same.find((e) => e.state === 'waiting');
    if (waiting && item.replace !== false) {
      waiting.body = item.body;
      waiting.label = item.label || waiting.label;
      await done(out.put(waiting));
    } else if (!same.some((e) => e.body === item.body && e.state !== 'refused')) {
      await done(out.add({
        key: item.key, kind: 'request', method: item.method, url: item.url, body: item.body || null,
        label: item.label || item.url, group: item.group || '', state: 'waiting', error: '', created: Date.now(),
        owner,
      }));
    }
    askPersistence();
    notify();
    requestSync();
  }

  async function putPhoto(sha256, blob, schoolId, group) {
    const owner = await currentUser();
    await done((await store('blobs', 'readwrite')).put({ blob, at: Date.now() }, sha256));
    const out = await store('outbox', 'readwrite');
    const key = 'photo:' + sha256;
    const same = await done(out.index('key').getAll(key));
    if (!same.length) {
      await done(out.add({
        key, kind: 'photo', method: 'PUT', url: `/api/v1/photos/${sha256}` + (schoolId > 0 ? `?school=${schoolId}` : ''),
        sha256, label: sha256.slice(0, 8), group: group || '', state: 'waiting', error: '', created: Date.now(),
        owner,
      }));
    }
    askPersistence();
    notify();
    requestSync();
  }

  async function photoUrl(sha256) {
    const rec = await done((await store('blobs', 'readonly')).get(sha256));
    return rec ? URL.createObjectURL(rec.blob) : null;
  }

  async function discard(seq) {
    await done((await store('outbox', 'readwrite')).delete(seq));
    notify();
  }

  async function status() {
    const list = await all();
    const waiting = list.filter((e) => e.state !== 'refused');
    const groups = (prefix) => new Set(waiting.filter((e) => e.group.startsWith(prefix)).map((e) => e.group)).size;
    return JSON.stringify({
      online: self.navigator ? navigator.onLine : true,
      syncing: !!syncing,
      photos: waiting.filter((e) => e.kind === 'photo').length,
      records: waiting.filter((e) => e.kind !== 'photo').length,
      inspections: groups('inspection:'),
      hazards: groups('hazard:'),
      other: waiting.filter((e) => e.kind !== 'photo' && !e.group.startsWith('inspection:') && !e.group.startsWith('hazard:')).length,
      refused: list.filter((e) => e.state === 'refused').map((e) => ({ seq: e.seq, label: e.label, error: e.error, group: e.group })),
      entries: list.map((e) => ({ seq: e.seq, label: e.label, state: e.state, error: e.error, group: e.group, kind: e.kind })),
      last_sync: (await kvGet('last_sync')) || null,
      last_error: lastError,
    });
  }

  // Whether any write of a group (an inspection, a hazard) still waits.
  async function pending(group) {
    return (await all()).some((e) => e.group === group);
  }

  // ---- sync ----

  function requestSync() {
    if (self.registration && self.registration.sync) return; // inside the worker: the caller syncs
    if (self.navigator && navigator.serviceWorker && navigator.serviceWorker.ready && self.SyncManager) {
      navigator.serviceWorker.ready.then((r) => r.sync && r.sync.register('outbox')).catch(() => {});
    }
    setTimeout(() => syncNow(), 50);
  }

  async function errorOf(res) {
    try {
      const body = await res.json();
      return { code: body.error.code, message: body.error.message };
    } catch (_) {
      return { code: 'http_' + res.status, message: 'HTTP ' + res.status };
    }
  }

  async function sendOne(e) {
    let res;
    if (e.kind === 'photo') {
      const rec = await done((await store('blobs', 'readonly')).get(e.sha256));
      if (!rec) return 'done'; // nothing left to send
      res = await fetch(e.url, {
        method: 'PUT', body: rec.blob, credentials: 'same-origin',
        headers: { 'content-type': rec.blob.type || 'image/jpeg', 'x-device-time': new Date().toISOString() },
      });
    } else {
      res = await fetch(e.url, {
        method: e.method, body: e.body, credentials: 'same-origin',
        headers: e.body ? { 'content-type': 'application/json' } : {},
      });
    }
    if (res.ok) return 'done';
    const err = await errorOf(res);
    if (res.status === 401) return { stop: true, message: err.message };
    if (res.status === 422 && err.code === 'unknown_photo') return { stop: true, message: err.message };
    if (res.status >= 500 || res.status === 429 || res.status === 408) return { stop: true, message: err.message };
    return { refused: true, message: err.message, code: err.code };
  }

  async function runSync() {
    const list = (await all()).filter((e) => e.state !== 'refused');
    // Photos before the records that name them; records in the order they were made.
    const ordered = list.filter((e) => e.kind === 'photo').concat(list.filter((e) => e.kind !== 'photo'));
    for (const e of ordered) {
      let outcome;
      try {
        outcome = await sendOne(e);
      } catch (err) {
        lastError = 'offline';
        return false;
      }
      const out = await store('outbox', 'readwrite');
      if (outcome === 'done') {
        await done(out.delete(e.seq));
      } else if (outcome.refused) {
        e.state = 'refused';
        e.error = outcome.message;
        await done(out.put(e));
      } else {
        lastError = outcome.message;
        return false;
      }
      notify();
    }
    lastError = '';
    await kvSet('last_sync', new Date().toISOString());
    await pruneBlobs();
    return true;
  }

  async function pruneBlobs() {
    const waitingShas = new Set((await all()).filter((e) => e.kind === 'photo').map((e) => e.sha256));
    const blobs = await store('blobs', 'readwrite');
    const keys = await done(blobs.getAllKeys());
    for (const k of keys) {
      if (waitingShas.has(k)) continue;
      const rec = await done((await store('blobs', 'readonly')).get(k));
      if (rec && Date.now() - rec.at > PHOTO_KEEP_MS) await done((await store('blobs', 'readwrite')).delete(k));
    }
  }

  // Sends what waits; one run at a time per context. Resolves true when everything went.
  function syncNow() {
    if (syncing) return syncing;
    syncing = (async () => {
      try {
        const ok = await runSync();
        if (ok) {
          backoffMs = 5000;
          await pullChanges().catch(() => {});
        } else {
          backoffMs = Math.min(backoffMs * 2, 5 * 60 * 1000);
        }
        return ok;
      } finally {
        syncing = null;
        notify();
      }
    })();
    return syncing;
  }

  // ---- reading: the local copy of what the phone needs offline ----

  async function pullChanges() {
    const since = await kvGet('cursor');
    const res = await fetch('/api/v1/changes' + (since ? '?since=' + encodeURIComponent(since) : ''), { credentials: 'same-origin' });
    if (!res.ok) return false;
    const c = await res.json();
    await setMe(JSON.stringify(c.me));
    await kvSet('schools', JSON.stringify(c.schools));
    await kvSet('checklists', JSON.stringify(c.checklists));
    await kvSet('deadlines', JSON.stringify(c.deadlines));
    await kvSet('today', JSON.stringify(c.today));
    await kvSet('plans', JSON.stringify(c.plans));
    const inspections = (await kvJson('inspections')) || {};
    for (const i of c.inspections) {
      // A draft edited on this phone and not yet sent is newer than the server's copy.
      if (await pending('inspection:' + i.summary.id)) continue;
      inspections[i.summary.id] = i;
    }
    await kvSet('inspections', JSON.stringify(inspections));
    const hazards = (await kvJson('hazards')) || {};
    for (const h of c.hazards) {
      if (await pending('hazard:' + h.summary.id)) continue;
      hazards[h.summary.id] = h;
    }
    await kvSet('hazards', JSON.stringify(hazards));
    await kvSet('cursor', c.cursor);
    return true;
  }

  // Forget everything local (on sign-out, so the next user of a shared phone sees nothing).
  async function clearLocal() {
    for (const k of ['me', 'schools', 'checklists', 'inspections', 'hazards', 'plans', 'cursor', 'deadlines', 'today']) await kvDelete(k);
  }

  // The unsent outbox as a file, the last resort when a phone will never see a network again.
  async function exportOutbox() {
    const list = await done((await store('outbox', 'readonly')).getAll());
    const entries = [];
    for (const e of list) {
      const copy = Object.assign({}, e);
      if (e.kind === 'photo') {
        const rec = await done((await store('blobs', 'readonly')).get(e.sha256));
        if (rec) {
          const bytes = new Uint8Array(await rec.blob.arrayBuffer());
          let s = '';
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
          copy.base64 = btoa(s);
        }
      }
      entries.push(copy);
    }
    const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), entries }, null, 1)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'xiaoan-outbox-' + new Date().toISOString().slice(0, 19).replace(/:/g, '') + '.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  // ---- the page: service worker, update prompt, sync triggers ----

  function showUpdate(worker) {
    if (document.getElementById('update-banner')) return;
    const bar = document.createElement('div');
    bar.id = 'update-banner';
    bar.className = 'update-banner';
    bar.setAttribute('role', 'status');
    const zh = (document.documentElement.lang || 'zh-CN').startsWith('zh');
    bar.textContent = zh ? '新版本已就绪。' : 'A new version is ready. ';
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button primary small';
    b.textContent = zh ? '刷新使用新版本' : 'Reload';
    b.onclick = () => worker.postMessage('skipWaiting');
    bar.appendChild(b);
    document.body.appendChild(bar);
  }

  function startPage() {
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.register('/sw.js').then((reg) => {
        if (reg.waiting && navigator.serviceWorker.controller) showUpdate(reg.waiting);
        reg.addEventListener('updatefound', () => {
          const w = reg.installing;
          if (!w) return;
          w.addEventListener('statechange', () => {
            if (w.state === 'installed' && navigator.serviceWorker.controller) showUpdate(w);
          });
        });
      }).catch(() => {});
      let reloading = false;
      navigator.serviceWorker.addEventListener('controllerchange', () => {
        if (reloading || !document.getElementById('update-banner')) return;
        reloading = true;
        location.reload();
      });
      navigator.serviceWorker.addEventListener('message', (e) => {
        if (e.data && e.data.type === 'xiaoan-outbox') notify();
      });
    }
    window.addEventListener('online', () => { notify(); if (location.pathname !== '/login') syncNow(); });
    window.addEventListener('offline', notify);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) syncNow(); });
    // Nothing to send or fetch before someone has signed in.
    const signedOut = () => location.pathname === '/login';
    const tick = () => {
      (signedOut() ? Promise.resolve() : syncNow()).finally(() => setTimeout(tick, Math.max(backoffMs, 30000)));
    };
    setTimeout(tick, 300);
  }

  self.XiaoanOffline = {
    kvGet, kvSet, kvDelete, setMe, enqueue, enqueueJson: (s) => enqueue(JSON.parse(s)), putPhoto, photoUrl, discard, status, pending, syncNow,
    pullChanges, clearLocal, exportOutbox,
  };
  if (typeof window !== 'undefined' && typeof document !== 'undefined') startPage();
})(self);
