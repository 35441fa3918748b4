// Notification settings: turn on push for this device. The permission prompt appears only
// after the user taps the button (browsers, Safari first, refuse prompts without a gesture).
(function () {
  "use strict";
  var root = document.getElementById("push-device");
  if (!root) { return; }
  var button = root.querySelector("[data-push-enable]");
  var status = root.querySelector("[data-push-status]");
  var iosHint = root.querySelector("[data-ios-hint]");
  var devices = document.getElementById("push-devices");
  var msg = root.dataset;

  var ios = /iPhone|iPad|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function say(text) { status.textContent = text; }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  if (iosHint && ios && !standalone) { iosHint.classList.add("push-ios--now"); }
  if (!button) { return; }
  if (!supported) {
    button.disabled = true;
    say(msg.msgUnsupported);
    return;
  }
  if (Notification.permission === "denied") { say(msg.msgDenied); }

  // Already subscribed here? Say so, and mark this device in the list.
  navigator.serviceWorker.ready.then(function (reg) {
    return reg.pushManager.getSubscription();
  }).then(function (sub) {
    if (sub && Notification.permission === "granted") { markOn(sub.endpoint); }
  }).catch(function () { /* nothing to show */ });

  function markOn(endpoint) {
    say(msg.msgOn);
    root.classList.add("push-device--on");
    if (!devices) { return; }
    devices.querySelectorAll("[data-endpoint]").forEach(function (row) {
      row.classList.toggle("push-row--here", row.dataset.endpoint === endpoint);
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(msg.msgAsking);
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error("denied"); }
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (existing) {
        if (existing) { return existing; }
        // Without a way to the browser's push service, Chromium's subscribe() never settles:
        // give up after 30 s and say so rather than wait for ever.
        return Promise.race([
          reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(msg.vapidKey) }),
          new Promise(function (resolve, reject) {
            setTimeout(function () { reject(new Error("timeout")); }, 30000);
          })
        ]);
      });
    }).then(function (sub) {
      return fetch(msg.subscribeUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(sub)
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      }).then(function (html) {
        if (devices) {
          devices.innerHTML = html;
          if (window.htmx) { window.htmx.process(devices); }
        }
        markOn(sub.endpoint);
      });
    }).catch(function (error) {
      button.disabled = false;
      say(error.message === "denied" ? msg.msgDenied : msg.msgFailed + " " + (error.name || "") + " " + (error.message || ""));
    });
  });
})();
