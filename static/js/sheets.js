// Offline-capable forms: a fresh client_id for every use of the form, even when the page
// itself came from the service worker's cache (the server's id would then repeat).
(function () {
  "use strict";
  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function refresh() {
    document.querySelectorAll("input[name=client_id][data-fresh-id]").forEach(function (input) {
      input.value = uuid4();
    });
  }
  refresh();
  // Coming back to the page (back button, bfcache) is a new use of the form.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { refresh(); } });
})();
