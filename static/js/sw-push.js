// Push for the BranchKit service worker (imported by /sw.js). The payload is JSON written by
// webapp/push/delivery.py: {title, body, url, tag, kind}; no more customer data than a name
// and a masked mobile.
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data.text() }; }
  var title = data.title || "BranchKit";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,  // the same tag replaces, so a repeat never shows twice
    icon: "/static/img/icon.svg",
    badge: "/static/img/icon.svg",
    lang: "zh-CN",
    data: { url: data.url || "/", kind: data.kind || "" }
  }));
});

// Tap: focus a window already on that page, else bring an open BranchKit window there,
// else open a new one.
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var same = windows.find(function (w) { return w.url === target; });
    if (same) { return same.focus(); }
    var other = windows.find(function (w) { return new URL(w.url).origin === self.location.origin && "navigate" in w; });
    if (other) {
      return other.navigate(target).then(function (w) {
        return (w || other).focus().catch(function () { return w; });  // focus may be refused
      });
    }
    return self.clients.openWindow(target);
  }));
});
