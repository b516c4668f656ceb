// 校安巡查 service worker. The server fills in VERSION (a hash of the built app) and the list of
// files to precache, so every new build is a new worker: it installs beside the old one and waits
// until the user chooses to reload (never a half-updated app).
'use strict';
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const SHELL = 'xiaoan-shell-' + VERSION;
const PHOTOS = 'xiaoan-photos';
// Screens that work offline from the phone's own copy; everything else gets the offline page.
const APP_ROUTES = [/^\/$/, /^\/inspect$/, /^\/inspections\/[^/]+$/, /^\/hazards\/[^/]+$/, /^\/outbox$/, /^\/me$/];

importScripts('/offline.js');

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('xiaoan-shell-') && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skipWaiting') self.skipWaiting();
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') {
    event.waitUntil(self.XiaoanOffline.syncNow().then((ok) => { if (!ok) throw new Error('retry later'); }));
  }
});

async function fromShell(path) {
  const c = await caches.open(SHELL);
  return c.match(path);
}

async function navigate(request) {
  try {
    return await fetch(request);
  } catch (_) {
    const path = new URL(request.url).pathname;
    const app = APP_ROUTES.some((r) => r.test(path));
    return (await fromShell(app ? '/shell' : '/offline.html')) || Response.error();
  }
}

async function photo(request) {
  const c = await caches.open(PHOTOS);
  const hit = await c.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) c.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(navigate(req));
  } else if (/^\/api\/v1\/photos\/[0-9a-f]{64}\/(thumb|display|original)$/.test(url.pathname)) {
    // Addressed by content: a copy never changes, so it can be kept for offline viewing.
    event.respondWith(photo(req));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(fromShell(url.pathname).then((hit) => hit || fetch(req)));
  }
});
