// The page side of offline use: the sync bar, the flush triggers, offline-capable forms,
// the update prompt and the logout warning. The service worker (/sw.js) does the sending.
(function () {
  "use strict";
  var bar = document.getElementById("sync-bar");
  if (!bar || !("serviceWorker" in navigator) || !window.OutboxStore) return;
  var sw = navigator.serviceWorker;
  // The person this page was made for; the cookie names who is signed in now (sw.js, currentPerson).
  var user = document.body.dataset.user || null;
  var lang = document.documentElement.lang || "zh-CN";
  var last = { waiting: 0, attention: 0, paused: false };
  var timer = null;
  var retryDelay = 5000;

  function fill(template, values) {
    return String(template || "").replace(/\{(\w)\}/g, function (_, key) { return values[key]; });
  }
  function when(ts) {
    return new Date(ts).toLocaleString(lang, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }
  function $(selector, root) { return (root || document).querySelector(selector); }
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function signedIn() {
    var name = bar.dataset.personCookie + "=";
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name) === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length)) : null;
  }

  // A page of one person left open after another signed in on this device shows nothing of
  // theirs: it goes to the home page, which is the new person's (or the sign-in).
  function anotherPerson() {
    var now = signedIn();
    if (user && now && now !== user) {
      location.replace("/");
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------ talking to the worker
  function post(message) {
    return sw.ready.then(function (registration) {
      var worker = sw.controller || registration.active;
      if (worker) worker.postMessage(message);
    });
  }
  function flush(force) { post({ type: "flush", force: !!force }); }
  // A question to the worker, answered on a port.
  function ask(message) {
    return sw.ready.then(function (registration) {
      var worker = sw.controller || registration.active;
      if (!worker) return null;
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data); };
        worker.postMessage(message, [channel.port2]);
      });
    });
  }

  // ------------------------------------------------------------ the bar
  function render() {
    if (anotherPerson()) return Promise.resolve();
    return OutboxStore.summary(user).then(function (s) {
      last = s;
      $("#outbox-count", bar).textContent = s.waiting;
      $(".syncbar__main", bar).hidden = !s.waiting;
      $("[data-sync-waiting]", bar).textContent = fill(bar.dataset.textWaiting, { n: s.waiting });
      var attention = $("[data-sync-attention]", bar);
      attention.hidden = !s.attention;
      attention.textContent = fill(bar.dataset.textAttention, { n: s.attention });
      var lastText = s.lastSync ? fill(bar.dataset.textLast, { t: when(s.lastSync) }) : bar.dataset.textNever;
      $("[data-sync-last]", bar).textContent = lastText;
      // With nothing waiting and no sync yet there is nothing to say: "nothing is waiting" is all.
      var fullText = s.lastSync || s.waiting || s.attention ? lastText : "";
      all("[data-sync-last-full]").forEach(function (el) { el.textContent = fullText; });
      $("[data-sync-paused]", bar).hidden = !(s.paused && s.waiting);
      bar.hidden = !(s.waiting || s.attention);
      bar.dataset.waiting = s.waiting;
      bar.dataset.attention = s.attention;
      var pending = s.waiting + s.attention;
      all("[data-logout-pending]").forEach(function (el) {
        el.hidden = !pending;
        el.textContent = fill(el.dataset.text, { n: pending });
      });
      renderList(s.items);
      markSent(s.items);
      markStops(s.items);
      schedule(s);
    });
  }

  // A backoff timer: Safari and Firefox have no Background Sync, so the page keeps trying.
  function schedule(s) {
    clearTimeout(timer);
    if (!s.waiting || s.paused) { retryDelay = 5000; return; }
    timer = setTimeout(function () { flush(false); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5 * 60 * 1000);
  }

  function renderList(items) {
    var box = $("[data-outbox-list]");
    if (!box) return;
    var list = $("[data-outbox-items]", box);
    if (!list.dataset.empty) list.dataset.empty = list.innerHTML; // the server's empty state
    list.innerHTML = items.length ? "" : list.dataset.empty;
    items.forEach(function (item) {
      var li = document.createElement("li");
      var status = item.status === "sending" ? "waiting" : item.status;
      li.className = "list__item outbox-item outbox-item--" + status;
      li.dataset.clientId = item.client_id;
      var title = document.createElement("span");
      title.className = "list__title";
      title.textContent = kindName(box, item.kind) + (item.label ? " · " + item.label : "");
      var meta = document.createElement("span");
      meta.className = "list__meta";
      var badge = document.createElement("span");
      badge.className = "badge" + (OutboxStore.ATTENTION.indexOf(status) >= 0 ? " badge--danger" : " badge--warn");
      badge.textContent = box.dataset["text" + status.charAt(0).toUpperCase() + status.slice(1)] || status;
      meta.appendChild(badge);
      meta.appendChild(document.createTextNode(" " + fill(box.dataset.textSaved, { t: when(item.queuedAt) })));
      var row = document.createElement("div");
      row.className = "outbox-item__row";
      row.appendChild(title);
      row.appendChild(meta);
      li.appendChild(row);
      if (item.response) {
        var open = document.createElement("a");
        open.className = "button button--primary";
        open.href = "/sync/outbox/item/" + item.client_id;
        open.textContent = box.dataset.textOpen;
        li.appendChild(open);
      }
      list.appendChild(li);
    });
  }

  // What kind of form an item is, in the user's language, from its address.
  function kindName(box, path) {
    var kinds = JSON.parse(box.dataset.kinds || "{}");
    if (/^\/field\/.*\/edit$/.test(path) && kinds.edit) return kinds.edit;
    var best = "";
    Object.keys(kinds).forEach(function (prefix) {
      if (path.indexOf(prefix) === 0 && prefix.length > best.length) best = prefix;
    });
    return best ? kinds[best] : box.dataset.textItem;
  }

  // A "saved on this device" card whose item has left the outbox: the branch has it, so the
  // card says so (an item that needs attention is still in the outbox, and keeps its card).
  function markSent(items) {
    var waiting = {};
    items.forEach(function (item) { waiting[item.client_id] = true; });
    all("[data-outbox-saved][data-client-id]").forEach(function (card) {
      var id = card.dataset.clientId;
      if (!id || id === "__CLIENT_ID__" || waiting[id] || card.dataset.sent) return;
      card.dataset.sent = "1";
      card.classList.add("saved--sent");
      var text = $("[data-saved-text]", card);
      if (text) {
        text.textContent = bar.dataset.textSent;
        text.classList.remove("flash--warn");
        text.classList.add("flash--ok");
      }
      all("[data-saved-waiting]", card).forEach(function (el) { el.hidden = true; });
    });
  }

  // On a sweep, a stop visited offline shows "waiting to sync" instead of "not visited".
  function markStops(items) {
    var stops = $("#sweep-stops");
    if (!stops) return;
    items.forEach(function (item) {
      var stopId = new URLSearchParams(item.body || "").get("stop_id");
      var stop = stopId && $('[data-stop-id="' + stopId + '"] .stop__pending', stops);
      if (stop) stop.hidden = false;
    });
  }

  // ------------------------------------------------------------ offline-capable forms
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function initForms(root) {
    all("form[data-prefill]", root).forEach(function (form) {
      new URLSearchParams(location.search).forEach(function (value, name) {
        var input = form.elements[name];
        if (typeof RadioNodeList !== "undefined" && input instanceof RadioNodeList) input.value = value; // a choice: the link's wins
        else if (input && (input.type === "radio" || input.type === "checkbox")) { if (input.value === value) input.checked = true; } // a lone choice keeps its value
        else if (input && input.tagName === "SELECT") { if (input.querySelector('option[value="' + CSS.escape(value) + '"]')) input.value = value; }
        else if (input && input.value === "" && name !== "client_id" && name !== "csrf_token") {
          input.value = value;
          if (input.closest && input.closest("details")) input.closest("details").open = true; // shown, not hidden
        }
      });
    });
    all("form[data-offline]", root).forEach(function (form) {
      var checkedIn = form.elements.checked_in_at;
      if (checkedIn && !checkedIn.value) checkedIn.value = new Date().toISOString();
    });
    all("form[data-geolocate]", root).forEach(locate);
  }

  function locate(form) {
    var status = form.elements.position_status;
    var line = $("[data-position-status]", form);
    if (!status || status.value === "ok" || form.dataset.located) return;
    form.dataset.located = "1";
    function show(kind, metres) { if (line) line.textContent = fill(line.dataset["text" + kind], { m: metres }); }
    if (!navigator.geolocation) { status.value = "unavailable"; show("Unavailable"); return; }
    show("Waiting");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.latitude.value = position.coords.latitude;
        form.elements.longitude.value = position.coords.longitude;
        form.elements.accuracy_m.value = Math.round(position.coords.accuracy);
        status.value = "ok";
        show("Ok", Math.round(position.coords.accuracy));
      },
      function (error) {
        status.value = error.code === 1 ? "refused" : "unavailable";
        show(error.code === 1 ? "Refused" : "Unavailable");
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  // Capture phase: runs before htmx reads the form, so a double tap sends the same id twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-offline]") && form.elements.client_id && !form.elements.client_id.value) {
      form.elements.client_id.value = uuid();
    }
    if (form.matches("form[data-sign-out]")) {
      var pending = last.waiting + last.attention;
      if (pending && !window.confirm(fill(bar.dataset.textLogout, { n: pending }))) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      post({ type: "signed-out" });
    }
  }, true);

  document.addEventListener("htmx:load", function (event) { initForms(event.target); });

  // ------------------------------------------------------------ update prompt
  var reloading = false;
  function offerUpdate(worker) {
    var box = document.getElementById("sw-update");
    if (!box || !worker) return;
    box.hidden = false;
    $("[data-sw-reload]", box).onclick = function () {
      reloading = true;
      worker.postMessage({ type: "skip-waiting" });
    };
  }
  sw.addEventListener("controllerchange", function () {
    if (!reloading) return;
    reloading = false; // once: a second reload would abort the first
    location.reload();
  });
  sw.ready.then(function (registration) {
    if (registration.waiting && sw.controller) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed" && sw.controller) offerUpdate(worker);
      });
    });
    registration.update().catch(function () { /* offline: checked again later */ });
  });

  // ------------------------------------------------------------ triggers
  var pending = null;
  sw.addEventListener("message", function (event) {
    if (!event.data || event.data.type !== "outbox-changed" || pending) return;
    pending = setTimeout(function () { pending = null; render(); }, 150);
  });
  window.addEventListener("online", function () { flush(true); });
  window.addEventListener("pageshow", anotherPerson);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !anotherPerson()) {
      flush(false);
      sw.getRegistration().then(function (r) { if (r) r.update().catch(function () {}); });
    }
  });
  all("[data-sync-now]").forEach(function (button) {
    button.addEventListener("click", function () { flush(true); });
  });
  var signIn = $("[data-sign-in]", bar);
  if (signIn) signIn.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);

  if (navigator.storage && navigator.storage.persisted) {
    navigator.storage.persisted().then(function (persisted) {
      var state = $("[data-storage-state]");
      if (persisted) { if (state) state.textContent = state.dataset.textPersisted; return; }
      if (navigator.storage.persist) navigator.storage.persist();
    });
  }

  // The outbox page lists the pages kept on this phone for the person signed in (what opens
  // offline, customer sheets included), by their titles, most recently opened last.
  function listOfflinePages() {
    var list = $("[data-offline-pages]");
    if (!list) return;
    ask({ type: "kept-pages" }).then(function (pages) {
      if (!pages || !pages.length) return;
      list.innerHTML = "";
      pages.forEach(function (page) {
        var li = document.createElement("li");
        li.className = "list__item";
        var a = document.createElement("a");
        a.className = "list__link";
        a.href = page.url;
        a.textContent = page.title;
        li.appendChild(a);
        list.appendChild(li);
      });
    });
  }

  initForms(document);
  listOfflinePages();
  render();
  // App open: say who is signed in, then send whatever waits.
  if (!anotherPerson()) post({ type: "hello" }).then(function () { flush(true); });
})();
