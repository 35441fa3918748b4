// BranchKit service worker (scope "/"). Plain JavaScript, no build step. The server's side of the
// protocol is webapp/sync/protocol.py.
// - App shell (static files) precached, cache-first, one cache per version.
// - Pages and htmx fragments: network-first with a short timeout, cached separately
//   (the server answers `Vary: HX-Request`), cache fallback, then an offline page.
// - Everything kept (pages, fragments, outbox items, conflict copies, metadata) belongs to one
//   person: it is shown, served and sent only while that person is signed in (currentPerson()).
// - Form POSTs carrying a client_id: kept in the IndexedDB outbox before they are sent; on a
//   network error, a timeout, 401 or a 5xx they stay there and the user gets "saved on this
//   device". flush() sends them back, one flush at a time, and deletes an item only after a 2xx.
"use strict";

const VERSION = "__VERSION__"; // replaced by the server with a hash of the shell's files
const SHELL = ["__SHELL__"]; // replaced by the server with the static files of the shell
// Replaced by the server (webapp/sync/routes.py worker_protocol()): the batch size, the client-id
// format, the headers, the person cookie and the cache names are written once, in Python.
const PROTOCOL = { __PROTOCOL__: 0 };
const SHELL_CACHE = PROTOCOL.caches.shell + VERSION;
const PAGES_CACHE = PROTOCOL.caches.pages;
const FRAGMENTS_CACHE = PROTOCOL.caches.fragments;
const TILES_CACHE = PROTOCOL.caches.tiles;
const MAX_TILES = 600; // about 10 MB of map: a few days of sweeps at every zoom drawn
const BATCH_SIZE = PROTOCOL.batchSize;
const REPLAY_HEADER = PROTOCOL.replayHeader;
// On the worker's own requests: answered after a sign-out, they leave the cookies to the next
// person (webapp/auth/sessions.py, from_the_worker).
const WORKER = { [PROTOCOL.workerHeader]: "1" };
const CLIENT_ID_RE = new RegExp(PROTOCOL.clientId);
const KEPT_FOR = "X-Kept-For"; // on each kept response: the person it was fetched for
const PAGE_TIMEOUT_MS = 3000;
const POST_TIMEOUT_MS = 10000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;
const MAX_CACHED_PAGES = 200;
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

// ---------------------------------------------------------------- who is signed in

// Decision: the worker knows who is signed in, online or offline, only from the cookie the server
// sets with the sign-in and deletes when it ends (webapp/sync/person.py), read through cookieStore
// each time; no cookie, or no cookieStore in this browser, means nobody: nothing kept is shown.
async function currentPerson() {
  if (!self.cookieStore) return null;
  try {
    const cookie = await self.cookieStore.get(PROTOCOL.personCookie);
    return cookie && cookie.value ? cookie.value : null;
  } catch (error) {
    return null;
  }
}

function ownerOf(item) {
  const owner = item.owner != null ? item.owner : item.user; // `user`: items saved before owners
  return owner != null ? String(owner) : null;
}

let knownPerson; // the person the kept pages were last checked for, in this worker's life

// On a change of person (or nobody), the pages and fragments kept for anyone else go; their
// outbox items stay, hidden, until they sign in again.
async function adopt(person) {
  if (person === knownPerson) return person;
  knownPerson = person;
  const owner = await OutboxStore.getMeta("owner");
  if (person === null || owner !== person) await forgetPages();
  if (person !== null) await OutboxStore.setMeta("owner", person);
  return person;
}

async function forgetPages() {
  await Promise.all([caches.delete(PAGES_CACHE), caches.delete(FRAGMENTS_CACHE)]);
  await OutboxStore.setMeta("pages", []);
  await OutboxStore.setMeta("pagesRefreshedAt", 0);
}

// A response kept for a person is written only while that person is still signed in (a precache
// or a page still loading when they sign out writes nothing), and is tagged with them.
async function keep(person, cache, key, response) {
  if (!person || (await currentPerson()) !== person) return discard(response);
  const headers = new Headers(response.headers);
  headers.set(KEPT_FOR, person);
  const body = await response.blob();
  const tagged = new Response(body, { status: response.status, statusText: response.statusText, headers });
  if ((await currentPerson()) !== person) return;
  await cache.put(key, tagged);
}

// A response not kept is read no further: its connection goes back to the browser's few per
// server (six), which the precache's forty-odd fetches wait for.
function discard(response) {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => undefined);
}

// A kept response, only if it was kept for this person.
function theirs(response, person) {
  return response && person && response.headers.get(KEPT_FOR) === person ? response : undefined;
}

// Metadata shown per person (their last sync, whether their queue waits for a sign-in).
function metaKey(key, person) {
  return key + ":" + person;
}

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
    names.filter((n) => n.startsWith(PROTOCOL.caches.shell) && n !== SHELL_CACHE).map((n) => caches.delete(n)),
  );
  await adopt(await currentPerson());
  await self.clients.claim();
  await notifyClients({ type: "activated", version: VERSION });
}

async function precachePages() {
  const person = await adopt(await currentPerson());
  if (!person) return;
  const response = await fetch("/sync/precache", {
    credentials: "same-origin", redirect: "manual", cache: "no-store", headers: WORKER,
  });
  if (!response.ok) return;
  const list = await response.json();
  const pages = await caches.open(PAGES_CACHE);
  const fragments = await caches.open(FRAGMENTS_CACHE);
  if ((await currentPerson()) !== person) return;
  await OutboxStore.setMeta("pages", list.pages);
  await Promise.all(
    list.pages.map((url) => fetchAndKeep(person, pages, url, {})).concat(
      list.fragments.map((url) => fetchAndKeep(person, fragments, url, { "HX-Request": "true" })),
    ),
  );
  if ((await currentPerson()) === person) await OutboxStore.setMeta("pagesRefreshedAt", Date.now());
}

async function fetchAndKeep(person, cache, url, headers) {
  try {
    // Marked as the precache: the server audits a customer's page fetched this way as such.
    const response = await fetch(url, {
      credentials: "same-origin", redirect: "manual", headers: { ...headers, ...WORKER, [PROTOCOL.precacheHeader]: "1" },
    });
    if (cacheable(response)) await keep(person, cache, url, response);
    else discard(response);
  } catch (error) {
    // Best effort: a page that cannot be fetched now is fetched on a later app open.
  }
}

// ---------------------------------------------------------------- fetch: routing

function onFetch(event) {
  const request = event.request;
  const url = new URL(request.url);
  if (PROTOCOL.tiles && url.origin === PROTOCOL.tiles && request.method === "GET") {
    event.respondWith(mapTile(request));
    return;
  }
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
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    const current = await currentVersion(event.request);
    if (current) return current;
    throw error;
  }
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, copy)));
  } else if (response.status === 404) {
    return (await currentVersion(event.request)) || response;
  }
  return response;
}

// Static files have content-hashed names (webapp/static_files.py). A page kept before an update
// names the files of the build it was served with, which neither this shell nor the server holds
// any longer: it gets the current file of the same name, from the shell.
const CONTENT_HASH = /-[0-9a-f]{32}(?=\.[^/]*$|$)/;

async function currentVersion(request) {
  const name = new URL(request.url).pathname.replace(CONTENT_HASH, "");
  const current = SHELL.find((url) => url.replace(CONTENT_HASH, "") === name);
  if (!current || current === new URL(request.url).pathname) return undefined;
  return caches.match(current, { ignoreVary: true });
}

async function networkFirst(event) {
  const request = event.request;
  const fragment = isFragmentRequest(request);
  const cacheName = fragment ? FRAGMENTS_CACHE : PAGES_CACHE;
  const key = request.url.split("#")[0];
  const person = await adopt(await currentPerson());
  const network = fetch(request).then((response) => {
    if (person && cacheable(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(cacheName).then((cache) => keep(person, cache, key, copy)).then(() => trim(cacheName)));
    }
    return response;
  });
  try {
    const response = await withTimeout(network, PAGE_TIMEOUT_MS);
    if (response.status < 502) return response;
    return (await fromCache(request, person, cacheName, fragment)) || response;
  } catch (error) {
    const cached = await fromCache(request, person, cacheName, fragment);
    if (cached) return cached;
    if (error.message === "timeout") return network.catch(() => offlineAnswer(person, fragment));
    return offlineAnswer(person, fragment);
  }
}

// A kept page as it is shown: it says "as of" the time it was made (base.html data-as-of).
async function asKept(response) {
  if (!response || !(response.headers.get("Content-Type") || "").startsWith("text/html")) return response;
  const text = (await response.text()).replace("data-as-of hidden", "data-as-of");
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}

async function fromCache(request, person, cacheName, fragment) {
  const kept = await keptCopy(request, person, cacheName, fragment);
  return fragment ? kept : asKept(kept);
}

async function keptCopy(request, person, cacheName, fragment) {
  if (!person || (await currentPerson()) !== person) return undefined;
  const cache = await caches.open(cacheName);
  const exact = theirs(await cache.match(request.url, { ignoreVary: true }), person);
  if (exact || fragment) return exact;
  // A form opened with a query (?stop_id=...) works offline from the same page without one;
  // the page fills the fields from the address itself.
  const url = new URL(request.url);
  if (url.pathname === "/") {
    const pages = (await OutboxStore.getMeta("pages").catch(() => null)) || [];
    return pages.length ? theirs(await cache.match(pages[0], { ignoreVary: true }), person) : undefined;
  }
  return theirs(await cache.match(url.origin + url.pathname, { ignoreVary: true }), person);
}

async function offlineAnswer(person, fragment) {
  const html = { "Content-Type": "text/html; charset=utf-8" };
  const said = await words(person);
  if (fragment) return new Response(said.notKept, { status: 503, headers: html });
  if (!person) return new Response(said.signedOut, { status: 503, headers: html });
  const page = theirs(await caches.match("/sync/offline", { cacheName: PAGES_CACHE, ignoreVary: true }), person);
  return page || new Response(said.notKept, { status: 503, headers: html });
}

// The worker's own words (webapp/sync/routes.py worker_words) in the language of the person
// signed in, which their kept offline page names in <html lang>; nobody signed in, or nothing
// kept yet, the app's default language.
async function words(person) {
  const kept = person
    ? theirs(await caches.match("/sync/offline", { cacheName: PAGES_CACHE, ignoreVary: true }), person)
    : undefined;
  const lang = kept ? /<html[^>]*\slang="([^"]+)"/.exec(await kept.text()) : null;
  return PROTOCOL.words[lang && lang[1]] || PROTOCOL.words[PROTOCOL.defaultLanguage];
}

async function trim(cacheName) {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  const pinned = (await OutboxStore.getMeta("pages").catch(() => null)) || [];
  for (const request of keys.slice(0, Math.max(0, keys.length - MAX_CACHED_PAGES))) {
    if (!pinned.includes(new URL(request.url).pathname)) await cache.delete(request);
  }
}

// The bank's map tiles (config MAP_TILES) under a sweep's map: kept as they are drawn, so the map
// has them with no signal too; a tile is a picture of streets, kept for anyone on the phone.
// Fetched with CORS to be kept (an opaque answer would weigh megabytes in the phone's quota);
// a tile server without CORS still shows its tiles online, unkept.
async function mapTile(request) {
  const cache = await caches.open(TILES_CACHE);
  const kept = await cache.match(request.url);
  if (kept) return kept;
  try {
    const response = await fetch(request.url, { mode: "cors", credentials: "omit" });
    if (response.ok) {
      await cache.put(request.url, response.clone());
      trimTiles(cache).catch(() => undefined);
    }
    return response;
  } catch (error) {
    return fetch(request).catch(() => Response.error());
  }
}

async function trimTiles(cache) {
  const keys = await cache.keys();
  for (const request of keys.slice(0, Math.max(0, keys.length - MAX_TILES))) await cache.delete(request);
}

// A stored answer (a conflict page) is shown only to the person whose item it is.
async function outboxItemPage(url) {
  const clientId = url.pathname.split("/").pop();
  const person = await currentPerson();
  const item = await OutboxStore.get(clientId);
  if (person && item && ownerOf(item) === person && item.response && item.response.body) {
    return new Response(item.response.body, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  return Response.redirect("/sync/outbox", 303);
}

// The pages kept on this device for the person signed in, with their titles (the outbox page).
async function keptPages() {
  const person = await currentPerson();
  if (!person) return [];
  const cache = await caches.open(PAGES_CACHE);
  const requests = (await cache.keys()).filter((r) => !new URL(r.url).pathname.startsWith("/sync/"));
  const pages = [];
  for (const request of requests.slice(-60)) {
    const response = theirs(await cache.match(request), person);
    if (!response || !(response.headers.get("Content-Type") || "").startsWith("text/html")) continue;
    const title = /<title>([^<]*)<\/title>/.exec(await response.text());
    if (title) pages.push({ url: request.url, title: unescapeHtml(title[1]).split(" · ")[0].trim() });
  }
  // One line a title: a page and its other views (a product and its present mode) are one page
  // to the person, listed under its shortest address.
  const byTitle = new Map();
  for (const page of pages.filter((p) => p.title)) {
    const known = byTitle.get(page.title);
    if (!known || page.url.length < known.url.length) byTitle.set(page.title, page);
  }
  return [...byTitle.values()];
}

function unescapeHtml(text) {
  const named = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name) => named[name]);
}

// ---------------------------------------------------------------- what an answer means

// The one place that reads a status, for a form sent by a page and for a queued one alike:
// delivered (2xx/3xx: the server has it, deleted); auth (401/403: waits for its person to sign
// in); waiting (408/429/5xx, no answer, a cut answer: sent again later, Retry-After honoured);
// conflict (409: opened to choose); attention (any other 4xx: opened and fixed); held (the
// server says it is another person's item: kept, untouched, for them).
function classify(status, ownerRefused) {
  if (ownerRefused) return "held";
  if (status === null) return "waiting";
  if (status >= 200 && status < 400) return "delivered";
  if (status === 401 || status === 403) return "auth";
  if (status === 408 || status === 429 || status >= 500) return "waiting";
  if (status === 409) return "conflict";
  return "attention";
}

function statusOf(response) {
  return response.type === "opaqueredirect" ? 303 : response.status;
}

function ownerRefused(response) {
  return response.headers.get(PROTOCOL.ownerRefusedHeader) === "1";
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

// The whole answer, read before it is believed: an answer cut off mid-body throws, and the form
// is kept (a replay of its client_id never makes a second row).
async function whole(response) {
  if (response.type === "opaqueredirect") return { response, text: "" };
  return { response, text: await response.clone().text() };
}

// ---------------------------------------------------------------- fetch: form POSTs

const inFlight = new Set(); // client_ids a page is sending right now: not for flush() to send

async function handleFormPost(event) {
  const request = event.request;
  const body = await request.clone().text();
  const params = new URLSearchParams(body);
  const clientId = params.get("client_id") || "";
  if (!CLIENT_ID_RE.test(clientId)) return fetch(request);

  const person = await currentPerson();
  // Whose form it is: the person signed in; with nobody (the session ended under an open page),
  // the person this device last knew, whose page it is. It is sent only in their session.
  const owner = person || (await OutboxStore.getMeta("owner")) || null;
  const stored = await OutboxStore.get(clientId);
  if (stored && ownerOf(stored) && ownerOf(stored) !== owner) return notYours();
  const item = stored || newItem(request, params, owner);
  inFlight.add(clientId);
  try {
    if (!stored) {
      item.status = "sending"; // kept before it is sent: closing the app now loses nothing
      await OutboxStore.put(item);
    }
    return await sendForm(request, params, item, !!stored);
  } finally {
    inFlight.delete(clientId);
  }
}

function newItem(request, params, owner) {
  const now = Date.now();
  return {
    client_id: params.get("client_id"), seq: now * 1000 + (sequence++ % 1000), queuedAt: now, attempts: 0,
    owner, url: request.url, body: withoutCsrf(params), contentType: "application/x-www-form-urlencoded",
    label: params.get("business_name") || params.get("customer_name") || params.get("name") || params.get("notes") || params.get("note") || "",
    kind: new URL(request.url).pathname,
  };
}

let sequence = 0;

async function sendForm(request, params, item, stored) {
  const navigate = request.mode === "navigate";
  const fragment = isFragmentRequest(request);
  const headers = new Headers();
  for (const name of COPIED_HEADERS) {
    if (request.headers.has(name)) headers.set(name, request.headers.get(name));
  }
  // The same client_id is already in the outbox: this is that item, fixed or sent again.
  if (stored) headers.set(REPLAY_HEADER, "1");
  if (item.owner) headers.set(PROTOCOL.ownerHeader, item.owner);
  const send = (text, sendHeaders) =>
    fetchWithTimeout(
      new Request(request.url, {
        method: "POST", body: text, headers: sendHeaders, credentials: "same-origin",
        redirect: navigate ? "manual" : "follow",
      }),
      POST_TIMEOUT_MS,
    ).then(whole);

  let answer;
  try {
    answer = await send(params.toString(), headers);
    if (answer.response.status === 400 && !ownerRefused(answer.response)) {
      // The token of a page kept offline may be dead (a sign-in since): once more with a fresh
      // one. No fresh token (the request failed, or nobody is signed in): the form waits.
      const fresh = await fetchToken();
      if (fresh.auth) return keepWaiting(request, params, item, "auth", 401, null);
      if (!fresh.token) return keepWaiting(request, params, item, "waiting", null, null);
      if (item.owner && String(fresh.user) !== item.owner) return keepWaiting(request, params, item, "auth", 401, null);
      const retryHeaders = new Headers(headers);
      retryHeaders.set("X-CSRFToken", fresh.token);
      answer = await send(withoutCsrf(params), retryHeaders);
    }
  } catch (error) {
    return keepWaiting(request, params, item, "waiting", null, null);
  }

  const status = statusOf(answer.response);
  const outcome = classify(status, ownerRefused(answer.response));
  if (outcome === "delivered") {
    await OutboxStore.remove(item.client_id);
    if (stored) {
      await OutboxStore.setMeta(metaKey("lastSync", item.owner), Date.now());
      await notifyClients({ type: "outbox-changed" });
    }
    return answer.response;
  }
  if (outcome === "waiting" || outcome === "auth") {
    return keepWaiting(request, params, item, outcome, status, retryAfterMs(answer.response));
  }
  if (!stored) {
    // A form sent from its page: the person sees the answer (errors beside the fields) there.
    await OutboxStore.remove(item.client_id);
    return answer.response;
  }
  if (outcome !== "held") {
    item.status = outcome;
    item.lastStatus = status;
    item.body = withoutCsrf(params);
    if (!fragment) item.response = { status, body: answer.text };
    await OutboxStore.put(item);
    await notifyClients({ type: "outbox-changed" });
  }
  // htmx swaps only 2xx into the form: the corrected form must show in place, with its errors.
  if (fragment && status === 422) {
    return new Response(answer.text, { status: 200, headers: answer.response.headers });
  }
  return answer.response;
}

async function notYours() {
  return new Response((await words(await currentPerson())).notYours, { status: 409, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function keepWaiting(request, params, item, status, lastStatus, waitMs) {
  item.url = request.url;
  item.body = withoutCsrf(params); // the CSRF token is never stored: a fresh one is fetched to send
  item.status = status;
  item.lastStatus = lastStatus;
  item.notBefore = waitMs ? Date.now() + waitMs : 0;
  delete item.response;
  await OutboxStore.put(item);
  if (status === "auth" && item.owner) await OutboxStore.setMeta(metaKey("paused", item.owner), true);
  if (self.registration.sync) self.registration.sync.register("outbox").catch(() => undefined);
  await notifyClients({ type: "outbox-changed" });
  return savedAnswer(request, status, item.client_id);
}

// The card shown in place of a kept form: the person's kept /sync/saved, or the worker's copy
// of it; it names its item, so the page turns it into "sent" once the item is delivered.
async function savedAnswer(request, status, clientId) {
  const fragment = isFragmentRequest(request);
  const person = await currentPerson();
  const cached = theirs(
    await caches.match("/sync/saved", { cacheName: fragment ? FRAGMENTS_CACHE : PAGES_CACHE, ignoreVary: true }),
    person,
  );
  const back = request.headers.get("HX-Current-URL") || request.referrer || "/";
  const safeBack = new URL(back, self.location.origin);
  const href = safeBack.origin === self.location.origin ? safeBack.pathname + safeBack.search : "/";
  let html;
  const said = await words(person);
  if (status === "auth") {
    html = said.savedAuth.replace(/__NEXT__/g, encodeURIComponent(href));
  } else {
    html = (cached ? await cached.text() : said.saved)
      .replace(/__BACK__/g, href.replace(/&/g, "&amp;").replace(/"/g, "&quot;"));
  }
  html = html.replace(/__CLIENT_ID__/g, clientId);
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
      new Request("/sync/token", { credentials: "same-origin", redirect: "manual", cache: "no-store", headers: WORKER }),
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

// Apply one item's answer as classify() reads it.
async function settle(item, outcome, status, waitMs, bodyText) {
  item.attempts += 1;
  item.lastStatus = status;
  if (outcome === "delivered") {
    await OutboxStore.remove(item.client_id);
    return NEXT;
  }
  if (outcome === "held") return NEXT; // another person's: it waits for them as it was
  if (outcome === "auth") {
    item.status = "auth";
    await OutboxStore.put(item);
    if (item.owner) await OutboxStore.setMeta(metaKey("paused", item.owner), true);
    return STOP;
  }
  if (outcome === "waiting") {
    item.status = "waiting";
    item.retryAfterUntil = waitMs !== null ? Date.now() + waitMs : 0;
    item.notBefore = Date.now() + (waitMs !== null ? waitMs : backoff(item.attempts));
    await OutboxStore.put(item);
    return STOP;
  }
  item.status = outcome;
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

// Up to BATCH_SIZE items in one request; the server replays each through its own URL, in
// order, and answers each one's status. Returns how many were delivered and whether to stop.
async function sendBatch(batch, token) {
  let response;
  try {
    response = await fetchWithTimeout(
      new Request("/sync/batch", {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token.token, ...WORKER },
        body: JSON.stringify({
          items: batch.map((item) => ({
            client_id: item.client_id, url: sitePath(item.url), body: replayBody(item),
            content_type: item.contentType, owner: ownerOf(item),
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
  const status = response.type === "opaqueredirect" ? 401 : response.status;
  if (status !== 200) {
    // The batch as a whole did not run: its first item takes the answer, as it would have
    // alone; the others wait their turn. A batch the server calls malformed needs attention
    // (never retried for ever); another refusal of the whole (a token gone stale) is retried.
    const text = await response.text().catch(() => "");
    let outcome = classify(status);
    if (outcome === "conflict" || outcome === "attention") {
      outcome = (response.headers.get("Content-Type") || "").startsWith("application/json") ? "attention" : "waiting";
    }
    await settle(batch[0], outcome, status, retryAfterMs(response), text);
    return { sent: 0, next: STOP };
  }
  const { results } = await response.json();
  let sent = 0;
  for (let k = 0; k < results.length; k += 1) {
    const result = results[k];
    const item = batch[k];
    const wait = result.retry_after ? parseRetryAfter(result.retry_after) : null;
    const outcome = classify(result.status, !!result.owner_refused);
    const next = await settle(item, outcome, result.status, wait, result.body || "");
    if (outcome === "delivered") sent += 1;
    if (next === STOP) return { sent, next };
  }
  // The server stops early only with an answer that says stop; anything short is untried.
  return { sent, next: results.length < batch.length ? STOP : NEXT };
}

function isDue(item) {
  return OutboxStore.WAITING.includes(item.status) || (item.status === "sending" && !inFlight.has(item.client_id));
}

async function runFlush({ force }) {
  const due = (await OutboxStore.all()).filter(isDue);
  if (!due.length) return { sent: 0 };
  const token = await fetchToken();
  if (token.auth) {
    for (const owner of new Set(due.map(ownerOf))) {
      if (owner) await OutboxStore.setMeta(metaKey("paused", owner), true);
    }
    await notifyClients({ type: "outbox-changed" });
    return { paused: true };
  }
  if (!token.token) return { offline: true };
  const user = String(token.user);
  await adopt(await currentPerson());
  await OutboxStore.setMeta(metaKey("paused", user), false);
  // In queue order, this person's items up to the first that must wait (Retry-After, backoff).
  const ready = [];
  for (const item of due) {
    const owner = ownerOf(item);
    if (owner && owner !== user) continue; // another person's: hidden, sent only in their session
    if (!owner) item.owner = user; // saved before this device knew anyone
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
      await OutboxStore.setMeta(metaKey("lastSync", user), Date.now());
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
  const reply = (value) => {
    if (event.ports && event.ports[0]) event.ports[0].postMessage(value);
  };
  if (data.type === "flush") {
    event.waitUntil(flush({ force: !!data.force }).then(reply));
  } else if (data.type === "hello") {
    event.waitUntil(hello());
  } else if (data.type === "kept-pages") {
    event.waitUntil(keptPages().then(reply, () => reply([])));
  } else if (data.type === "skip-waiting") {
    self.skipWaiting();
  } else if (data.type === "signed-out") {
    // Another person may sign in on this phone: forget the pages, never the outbox.
    knownPerson = null;
    event.waitUntil(forgetPages());
  }
}

async function hello() {
  const person = await adopt(await currentPerson());
  if (!person) return;
  const refreshed = (await OutboxStore.getMeta("pagesRefreshedAt")) || 0;
  if (Date.now() - refreshed > 10 * 60 * 1000) await precachePages().catch(() => undefined);
}

async function notifyClients(message) {
  const clients = await self.clients.matchAll({ includeUncontrolled: true, type: "window" });
  for (const client of clients) client.postMessage(message);
}
