// The outbox on the device (IndexedDB), shared by the service worker and the pages.
// An item is one form POST kept until the server has it, keyed by the form's client_id.
// Nothing here ever deletes an item except remove(), called only after the server said 2xx.
(function (global) {
  "use strict";
  var DB_NAME = "branchkit-outbox";
  var DB_VERSION = 1;
  var dbPromise = null;

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("items")) db.createObjectStore("items", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = function () {
        var db = request.result;
        // A newer version of this file (a new service worker) may upgrade the schema.
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      request.onerror = function () { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  // Writes that keep an item are durable; a removal may be relaxed (if it were lost in a
  // crash the item would be sent again, and the server answers a replay with the same row).
  function run(storeName, mode, action, durability) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode, { durability: durability || "strict" });
        var request = action(tx.objectStore(storeName));
        var result;
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  var WAITING = ["waiting", "auth"];
  var ATTENTION = ["attention", "conflict"];

  global.OutboxStore = {
    WAITING: WAITING,
    ATTENTION: ATTENTION,
    all: function () {
      return run("items", "readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    get: function (id) { return run("items", "readonly", function (s) { return s.get(id); }); },
    put: function (item) { return run("items", "readwrite", function (s) { return s.put(item); }); },
    remove: function (id) { return run("items", "readwrite", function (s) { return s.delete(id); }, "relaxed"); },
    getMeta: function (key) {
      return run("meta", "readonly", function (s) { return s.get(key); }).then(function (row) {
        return row ? row.value : undefined;
      });
    },
    setMeta: function (key, value) {
      return run("meta", "readwrite", function (s) { return s.put({ key: key, value: value }); });
    },
    // What one person's pages may show: only their items and their metadata ("sending": an item
    // a page was sending when the app closed, sent again on the next flush).
    summary: function (person) {
      var self = this;
      person = person == null ? null : String(person);
      return Promise.all([self.all(), self.getMeta("paused:" + person), self.getMeta("lastSync:" + person)]).then(function (r) {
        var items = person === null ? [] : r[0].filter(function (i) {
          var owner = i.owner != null ? i.owner : i.user;
          return owner == null || String(owner) === person;
        });
        return {
          items: items,
          waiting: items.filter(function (i) { return WAITING.indexOf(i.status) >= 0 || i.status === "sending"; }).length,
          attention: items.filter(function (i) { return ATTENTION.indexOf(i.status) >= 0; }).length,
          paused: !!r[1],
          lastSync: r[2] || null,
        };
      });
    },
  };
})(self);
