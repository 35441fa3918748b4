// BranchKit service worker (scope "/"). Plain JavaScript, no build step. See DESIGN.md "Offline".
// - App shell (static files) precached, cache-first, one cache per version.
// - Pages and htmx fragments: network-first with a short timeout, cached separately
//   (the server answers `Vary: HX-Request`), cache fallback, then an offline page.
// - Form POSTs carrying a client_id: tried on the network; on a network error, a timeout,
//   401 or a 5xx they go to the IndexedDB outbox and the user gets "saved on this device".
//   flush() sends them back, one flush at a time, and deletes an item only after a 2xx.
"use strict";

const VERSION = "__VERSION__"; // replaced by the server with a hash of the shell's files
const SHELL = ["__SHELL__"]; // replaced by the server with the static files of the shell
const SHELL_CACHE = "shell-" + VERSION;
const PAGES_CACHE = "pages-v1";
const FRAGMENTS_CACHE = "fragments-v1";
const PAGE_TIMEOUT_MS = 3000;
const POST_TIMEOUT_MS = 10000;
const BATCH_SIZE = 25; // as webapp/sync/batch.py
const MAX_BACKOFF_MS = 5 * 60 * 1000;
const MAX_CACHED_PAGES = 200;
const REPLAY_HEADER = "X-Outbox-Replay";
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Never cached, never answered from the cache.
const NETWORK_ONLY = ["/sw.js", "/sync/token", "/sync/precache", "/login", "/logout", "/healthz", "/language"];
const COPIED_HEADERS = ["Content-Type", "Accept", "HX-Request", "HX-Target", "HX-Trigger", "HX-Current-URL", "X-CSRFToken"];

importScripts("/static/js/outbox-store.js");
importScripts("/static/js/sw-push.js");

self.addEventListener("install", (event) => event.waitUntil(onInstall()));
self.addEventListener("activate", (event) => event.waitUntil(onActivate()));
self.addEventListener("fetch", onFetch);
self.addEventListener("sync", onSync);
self.addEventListener("message", onMessage);

// ---------------------------------------------------------------- lifecycle

async function onInstall() {
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll(SHELL);
  await precachePages().catch(() => undefined);
  // The very first worker takes over at once; an update waits until the user reloads.
  if (!self.registration.active) await self.skipWaiting();
}

async function onActivate() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((n) => n.startsWith("shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)),
  );
  await self.clients.claim();
  await notifyClients({ type: "activated", version: VERSION });
}

async function precachePages() {
  const response = await fetch("/sync/precache", { credentials: "same-origin", redirect: "manual", cache: "no-store" });
  if (!response.ok) return;
  const list = await response.json();
  const pages = await caches.open(PAGES_CACHE);
  const fragments = await caches.open(FRAGMENTS_CACHE);
  await OutboxStore.setMeta("pages", list.pages);
  await Promise.all(
    list.pages.map((url) => fetchAndKeep(pages, url, {})).concat(
      list.fragments.map((url) => fetchAndKeep(fragments, url, { "HX-Request": "true" })),
    ),
  );
  await OutboxStore.setMeta("pagesRefreshedAt", Date.now());
}

async function fetchAndKeep(cache, url, headers) {
  try {
    const response = await fetch(url, { credentials: "same-origin", redirect: "manual", headers: { ...headers, "X-Precache": "1" } }); // audited as precache
    if (cacheable(response)) await cache.put(url, response);
  } catch (error) {
    // Best effort: a page that cannot be fetched now is fetched on a later app open.
  }
}

// ---------------------------------------------------------------- fetch: routing

function onFetch(event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((path) => url.pathname === path || url.pathname.startsWith(path + "/"))) return;
  if (request.method === "POST") {
    const type = request.headers.get("Content-Type") || "";
    if (type.startsWith("application/x-www-form-urlencoded")) event.respondWith(handleFormPost(event));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/sync/outbox/item/")) {
    event.respondWith(outboxItemPage(url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(event));
  } else {
    event.respondWith(networkFirst(event));
  }
}

function isFragmentRequest(request) {
  return (
    request.headers.get("HX-Request") === "true" &&
    request.headers.get("HX-Boosted") !== "true" &&
    request.headers.get("HX-History-Restore-Request") !== "true"
  );
}

function cacheable(response) {
  const type = response.headers.get("Content-Type") || "";
  // Pages, and the images they show (the sales kit's product pictures).
  return response.status === 200 && response.type === "basic" && !response.redirected &&
    (type.startsWith("text/html") || type.startsWith("image/"));
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

function fetchWithTimeout(request, ms) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  return fetch(request, { signal: controller.signal }).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- fetch: GET

async function cacheFirst(event) {
  const cached = await caches.match(event.request, { ignoreVary: true, ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, copy)));
  }
  return response;
}

async function networkFirst(event) {
  const request = event.request;
  const fragment = isFragmentRequest(request);
  const cacheName = fragment ? FRAGMENTS_CACHE : PAGES_CACHE;
  const key = request.url.split("#")[0];
  const network = fetch(request).then((response) => {
    if (cacheable(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(cacheName).then((cache) => cache.put(key, copy)).then(() => trim(cacheName)));
    }
    return response;
  });
  try {
    const response = await withTimeout(network, PAGE_TIMEOUT_MS);
    if (response.status < 502) return response;
    return (await fromCache(request, cacheName, fragment)) || response;
  } catch (error) {
    const cached = await fromCache(request, cacheName, fragment);
    if (cached) return cached;
    if (error.message === "timeout") return network.catch(() => offlineAnswer(fragment));
    return offlineAnswer(fragment);
  }
}

async function fromCache(request, cacheName, fragment) {
  const cache = await caches.open(cacheName);
  const exact = await cache.match(request.url, { ignoreVary: true });
  if (exact || fragment) return exact;
  // A form opened with a query (?stop_id=...) works offline from the same page without one;
  // the page fills the fields from the address itself.
  const url = new URL(request.url);
  if (url.pathname === "/") {
    const pages = (await OutboxStore.getMeta("pages").catch(() => null)) || [];
    return pages.length ? cache.match(pages[0], { ignoreVary: true }) : undefined;
  }
  return cache.match(url.origin + url.pathname, { ignoreVary: true });
}

async function offlineAnswer(fragment) {
  if (fragment) {
    return new Response(
      '<p class="flash flash--error" role="alert" lang="zh-CN">离线：此内容尚未保存在本机。<span lang="en">Offline: not kept on this phone yet.</span></p>',
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
    );
  }
  const page = await caches.match("/sync/offline", { cacheName: PAGES_CACHE, ignoreVary: true });
  return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
}

async function trim(cacheName) {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  const pinned = (await OutboxStore.getMeta("pages").catch(() => null)) || [];
  for (const request of keys.slice(0, Math.max(0, keys.length - MAX_CACHED_PAGES))) {
    if (!pinned.includes(new URL(request.url).pathname)) await cache.delete(request);
  }
}

async function outboxItemPage(url) {
  const clientId = url.pathname.split("/").pop();
  const item = await OutboxStore.get(clientId);
  if (item && item.response && item.response.body) {
    return new Response(item.response.body, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  return Response.redirect("/sync/outbox", 303);
}

// ---------------------------------------------------------------- fetch: form POSTs

function statusOf(response) {
  return response.type === "opaqueredirect" ? 303 : response.status;
}

function isSuccess(status) {
  return status >= 200 && status < 400;
}

function retryAfterMs(response) {
  const value = response.headers.get("Retry-After");
  return value ? parseRetryAfter(value) : null;
}

function parseRetryAfter(value) {
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function withoutCsrf(params) {
  const copy = new URLSearchParams(params);
  copy.delete("csrf_token");
  return copy.toString();
}

async function handleFormPost(event) {
  const request = event.request;
  const body = await request.clone().text();
  const params = new URLSearchParams(body);
  const clientId = params.get("client_id") || "";
  if (!UUID_RE.test(clientId)) return fetch(request);

  const navigate = request.mode === "navigate";
  const stored = await OutboxStore.get(clientId);
  const headers = new Headers();
  for (const name of COPIED_HEADERS) {
    if (request.headers.has(name)) headers.set(name, request.headers.get(name));
  }
  // The same client_id is already in the outbox: this is that item, fixed or sent again.
  if (stored) headers.set(REPLAY_HEADER, "1");
  const send = (text, sendHeaders) =>
    fetchWithTimeout(
      new Request(request.url, {
        method: "POST", body: text, headers: sendHeaders, credentials: "same-origin",
        redirect: navigate ? "manual" : "follow",
      }),
      POST_TIMEOUT_MS,
    );

  let response;
  try {
    response = await send(body, headers);
    if (response.status === 400) {
      // The token of a page kept offline may have expired: try once more with a fresh one.
      const fresh = await fetchToken();
      if (fresh.token) {
        const retryHeaders = new Headers(headers);
        retryHeaders.set("X-CSRFToken", fresh.token);
        response = await send(withoutCsrf(params), retryHeaders);
      }
    }
  } catch (error) {
    return queueAndAnswer(request, params, stored, { status: "waiting" });
  }

  const status = statusOf(response);
  if (status >= 500 || status === 408 || status === 429) {
    const wait = retryAfterMs(response);
    return queueAndAnswer(request, params, stored, {
      status: "waiting", lastStatus: status, notBefore: wait ? Date.now() + wait : 0,
    });
  }
  if (status === 401) {
    await OutboxStore.setMeta("paused", true);
    return queueAndAnswer(request, params, stored, { status: "auth", lastStatus: status });
  }
  if (isSuccess(status)) {
    if (stored) {
      await OutboxStore.remove(clientId);
      await OutboxStore.setMeta("lastSync", Date.now());
      await notifyClients({ type: "outbox-changed" });
    }
    return response;
  }
  if (stored) {
    const text = await response.clone().text();
    stored.status = status === 409 ? "conflict" : "attention";
    stored.lastStatus = status;
    stored.body = withoutCsrf(params);
    if (!isFragmentRequest(request)) stored.response = { status, body: text };
    await OutboxStore.put(stored);
    await notifyClients({ type: "outbox-changed" });
    // htmx swaps only 2xx into the form: the corrected form must show in place, with its errors.
    if (isFragmentRequest(request) && status === 422) {
      return new Response(text, { status: 200, headers: response.headers });
    }
  }
  return response;
}

let sequence = 0;

async function queueAndAnswer(request, params, stored, info) {
  const now = Date.now();
  const item = stored || { client_id: params.get("client_id"), seq: now * 1000 + (sequence++ % 1000), queuedAt: now, attempts: 0 };
  item.url = request.url;
  item.body = withoutCsrf(params); // the CSRF token is never stored: a fresh one is fetched to send
  item.contentType = "application/x-www-form-urlencoded";
  item.label = params.get("business_name") || params.get("customer_name") || params.get("name") || params.get("notes") || params.get("note") || "";
  item.kind = new URL(request.url).pathname;
  item.status = info.status;
  item.lastStatus = info.lastStatus || null;
  item.notBefore = info.notBefore || 0;
  item.user = item.user || (await OutboxStore.getMeta("user")) || null;
  delete item.response;
  await OutboxStore.put(item);
  if (self.registration.sync) self.registration.sync.register("outbox").catch(() => undefined);
  await notifyClients({ type: "outbox-changed" });
  return savedAnswer(request);
}

async function savedAnswer(request) {
  const fragment = isFragmentRequest(request);
  const cached = await caches.match("/sync/saved", { cacheName: fragment ? FRAGMENTS_CACHE : PAGES_CACHE, ignoreVary: true });
  const back = request.headers.get("HX-Current-URL") || request.referrer || "/";
  const safeBack = new URL(back, self.location.origin);
  const href = safeBack.origin === self.location.origin ? safeBack.pathname + safeBack.search : "/";
  let html;
  if (cached) {
    html = (await cached.text()).replace(/__BACK__/g, href.replace(/&/g, "&amp;").replace(/"/g, "&quot;"));
  } else {
    html = '<p class="flash" role="status" data-outbox-saved>已保存在本机，网络恢复后自动同步。 Saved on this device; it will sync.</p>';
  }
  return new Response(html, {
    status: 202,
    headers: { "Content-Type": "text/html; charset=utf-8", "X-Outbox": "queued" },
  });
}

// ---------------------------------------------------------------- the outbox flush

let flushing = null;

// One flush at a time: a second call while one runs joins it.
function flush(options) {
  if (!flushing) {
    flushing = runFlush(options || {}).finally(() => { flushing = null; });
  }
  return flushing;
}

async function fetchToken() {
  try {
    const response = await fetchWithTimeout(
      new Request("/sync/token", { credentials: "same-origin", redirect: "manual", cache: "no-store" }),
      POST_TIMEOUT_MS,
    );
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403 || response.status === 204) {
      return { auth: true };
    }
    if (!response.ok) return { error: response.status };
    return await response.json();
  } catch (error) {
    return { error: "network" };
  }
}

function backoff(attempts) {
  const base = Math.min(MAX_BACKOFF_MS, 2000 * 2 ** Math.min(attempts, 10));
  return base / 2 + Math.random() * (base / 2);
}

// Why the flush stops, after an answer: keep going, or stop until later.
const NEXT = "next";
const STOP = "stop";

// Apply one item's answer exactly as the server meant it: 2xx/3xx delivered (deleted);
// 401/403 pause until sign-in; 408/429/5xx kept with backoff (Retry-After honoured); any
// other 4xx kept as "needs attention" (409: a conflict), openable and fixable.
async function settle(item, status, waitMs, bodyText) {
  item.attempts += 1;
  item.lastStatus = status;
  if (isSuccess(status)) {
    await OutboxStore.remove(item.client_id);
    return NEXT;
  }
  if (status === 401 || status === 403) {
    item.status = "auth";
    await OutboxStore.put(item);
    await OutboxStore.setMeta("paused", true);
    return STOP;
  }
  if (status === 408 || status === 429 || status >= 500) {
    item.status = "waiting";
    item.retryAfterUntil = waitMs !== null ? Date.now() + waitMs : 0;
    item.notBefore = Date.now() + (waitMs !== null ? waitMs : backoff(item.attempts));
    await OutboxStore.put(item);
    return STOP;
  }
  item.status = status === 409 ? "conflict" : "attention";
  item.response = { status, body: bodyText };
  await OutboxStore.put(item);
  await notifyClients({ type: "outbox-changed" });
  return NEXT;
}

// The path (and query) of a queued form's URL: the batch names URLs of this site only.
function sitePath(url) {
  const parsed = new URL(url, self.location.origin);
  return parsed.pathname + parsed.search;
}

function replayBody(item) {
  const params = new URLSearchParams(item.body);
  params.set("queued_at", new Date(item.queuedAt).toISOString());
  return params.toString();
}

// One item alone, to its own URL: the way before /sync/batch, kept for a server that has no
// batch endpoint yet (a deployment in progress).
async function sendOne(item, token) {
  let response;
  try {
    response = await fetchWithTimeout(
      new Request(item.url, {
        method: "POST", body: replayBody(item), credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": item.contentType, "X-CSRFToken": token.token, [REPLAY_HEADER]: "1" },
      }),
      POST_TIMEOUT_MS,
    );
  } catch (error) {
    item.attempts += 1;
    item.lastStatus = null;
    await OutboxStore.put(item);
    return STOP; // the network is gone again: keep the order, try later
  }
  const status = statusOf(response);
  const text = isSuccess(status) ? "" : await response.text();
  return settle(item, status, retryAfterMs(response), text);
}

// Up to BATCH_SIZE items in one request; the server replays each through its own URL, in
// order, and answers each one's status. Returns how many were delivered and whether to stop.
async function sendBatch(batch, token) {
  let response;
  try {
    response = await fetchWithTimeout(
      new Request("/sync/batch", {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token.token },
        body: JSON.stringify({
          items: batch.map((item) => ({
            client_id: item.client_id, url: sitePath(item.url), body: replayBody(item), content_type: item.contentType,
          })),
        }),
      }),
      POST_TIMEOUT_MS + batch.length * 1000,
    );
  } catch (error) {
    batch[0].attempts += 1;
    batch[0].lastStatus = null;
    await OutboxStore.put(batch[0]);
    return { sent: 0, next: STOP };
  }
  if (response.status === 404 || response.status === 405) {
    // No batch endpoint on this server: one by one.
    let sent = 0;
    for (const item of batch) {
      const next = await sendOne(item, token);
      if (isSuccess(item.lastStatus)) sent += 1;
      if (next === STOP) return { sent, next };
    }
    return { sent, next: NEXT };
  }
  const status = response.type === "opaqueredirect" ? 401 : response.status;
  if (status !== 200) {
    // The batch as a whole did not run (signed out, server down, too busy): its first item
    // takes the answer, as it would have alone; the others wait their turn.
    // Anything else that refuses the whole batch (a token gone stale, say) is retried later
    // like a busy server: no item is blamed for it.
    const kept = [401, 403, 408, 429].includes(status) || status >= 500 ? status : 503;
    await settle(batch[0], kept, retryAfterMs(response), await response.text());
    return { sent: 0, next: STOP };
  }
  const { results } = await response.json();
  let sent = 0;
  for (let k = 0; k < results.length; k += 1) {
    const result = results[k];
    const item = batch[k];
    const wait = result.retry_after ? parseRetryAfter(result.retry_after) : null;
    const next = await settle(item, result.status, wait, result.body || "");
    if (isSuccess(result.status)) sent += 1;
    if (next === STOP) return { sent, next };
  }
  // The server stops early only with an answer that says stop; anything short is untried.
  return { sent, next: results.length < batch.length ? STOP : NEXT };
}

async function runFlush({ force }) {
  const all = await OutboxStore.all();
  const due = all.filter((i) => OutboxStore.WAITING.includes(i.status));
  if (!due.length) return { sent: 0 };
  const token = await fetchToken();
  if (token.auth) {
    await OutboxStore.setMeta("paused", true);
    await notifyClients({ type: "outbox-changed" });
    return { paused: true };
  }
  if (!token.token) return { offline: true };
  await OutboxStore.setMeta("paused", false);
  await OutboxStore.setMeta("user", token.user);
  // In queue order, this user's items up to the first that must wait (Retry-After, backoff).
  const ready = [];
  for (const item of due) {
    if (item.user && item.user !== token.user) continue; // another person's: waits for them
    const now = Date.now();
    if (item.retryAfterUntil && item.retryAfterUntil > now) break; // the server asked to wait
    if (!force && item.notBefore && item.notBefore > now) break;
    ready.push(item);
  }
  let sent = 0;
  for (let start = 0; start < ready.length; start += BATCH_SIZE) {
    const outcome = await sendBatch(ready.slice(start, start + BATCH_SIZE), token);
    sent += outcome.sent;
    if (outcome.sent) {
      await OutboxStore.setMeta("lastSync", Date.now());
      await notifyClients({ type: "outbox-changed" });
    }
    if (outcome.next === STOP) break;
  }
  await notifyClients({ type: "outbox-changed" });
  return { sent };
}

function onSync(event) {
  if (event.tag === "outbox") event.waitUntil(flush({ force: true }));
}

// ---------------------------------------------------------------- messages from the pages

function onMessage(event) {
  const data = event.data || {};
  if (data.type === "flush") {
    const done = flush({ force: !!data.force }).then((result) => {
      if (event.ports && event.ports[0]) event.ports[0].postMessage(result);
    });
    event.waitUntil(done);
  } else if (data.type === "hello") {
    event.waitUntil(hello(data));
  } else if (data.type === "skip-waiting") {
    self.skipWaiting();
  } else if (data.type === "signed-out") {
    // Another person may sign in on this phone: forget the pages, never the outbox.
    event.waitUntil(Promise.all([caches.delete(PAGES_CACHE), caches.delete(FRAGMENTS_CACHE)]));
  }
}

async function hello(data) {
  if (data.user) await OutboxStore.setMeta("user", data.user);
  const refreshed = (await OutboxStore.getMeta("pagesRefreshedAt")) || 0;
  if (Date.now() - refreshed > 10 * 60 * 1000) await precachePages().catch(() => undefined);
}

async function notifyClients(message) {
  const clients = await self.clients.matchAll({ includeUncontrolled: true, type: "window" });
  for (const client of clients) client.postMessage(message);
}
