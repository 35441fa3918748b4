importScripts("/static/js/sw-push.js");
// BranchKit service worker (scope "/"). The offline shell and outbox build on this file.
"use strict";

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});
