// Market running on the phone: the next steps of a visit saved without signal (the same
// links webapp/field/next_steps.py makes for a visit the server saved).
(function () {
  "use strict";
  var MARKET_RUNNING = "market_running";
  var FIRST = { appointment: "appointment", lead: "referral", interested: "prospect", sme_sheet: "sme_sheet" };
  var OFFERED = {
    not_interested: [],
    info_collected: ["sme_sheet"],
    sme_sheet: ["sme_sheet"],
    appointment: ["appointment", "sme_sheet"],
    lead: ["referral", "sme_sheet"],
    interested: ["prospect", "appointment", "sme_sheet"],
  };

  function address(path, values) {
    var query = new URLSearchParams();
    Object.keys(values).forEach(function (name) { if (values[name]) query.append(name, values[name]); });
    return path + "?" + query.toString();
  }

  function merge(a, b) {
    var out = {};
    [a, b].forEach(function (o) { Object.keys(o).forEach(function (k) { out[k] = o[k]; }); });
    return out;
  }

  function noteOf(v) {
    return [v.business_name, v.place, v.notes].filter(Boolean).join(" · ").slice(0, 200);
  }

  // The addresses of the next forms for a visit's values (next_steps.urls).
  function urls(v, customerId) {
    var who = customerId ? { customer_id: customerId } : { new_name: v.contact_name || v.business_name, new_mobile: v.contact_mobile };
    var found = {
      appointment: address("/appointments/new", merge({ via: "in_person", place: v.place || v.business_name }, who)),
      referral: address("/referrals/new", merge(who, { via: MARKET_RUNNING, note: noteOf(v) })),
    };
    if (customerId) found.prospect = address("/prospects/new", { customer_id: customerId });
    else {
      found.sme_sheet = address("/customers/new/sme", {
        via: MARKET_RUNNING, acquired_via: MARKET_RUNNING, name: v.business_name, address: v.place,
        industry: v.industry, contact_name: v.contact_name, mobile: v.contact_mobile,
      });
    }
    return found;
  }

  // The outcome's own step first, then the others it offers that apply (next_steps.next_steps).
  function nextSteps(v, customerId) {
    var found = urls(v, customerId);
    var first = FIRST[v.outcome];
    var keys = first ? [first] : [];
    (OFFERED[v.outcome] || []).forEach(function (k) { if (k !== first) keys.push(k); });
    return keys.filter(function (k) { return found[k]; }).map(function (k) { return { key: k, url: found[k] }; });
  }

  function valuesOf(form) {
    var values = {};
    new FormData(form).forEach(function (value, name) { values[name] = String(value).trim(); });
    return values;
  }

  // The visit the form last sent, and the customer its stop is (named in the page's address).
  var sent = null;
  document.addEventListener("submit", function (event) {
    if (event.target.id === "visit-form") {
      sent = { values: valuesOf(event.target), customerId: new URLSearchParams(location.search).get("customer_id") || "" };
    }
  }, true);

  function showNextSteps(saved) {
    var template = document.getElementById("next-steps-offline");
    if (!sent || !template || saved.closest("[data-next-steps]")) return;
    var v = sent.values;
    var customerId = sent.customerId;
    sent = null;
    var steps = nextSteps(v, customerId);
    var offersContact = v.contact_name && !customerId && v.outcome !== "not_interested";
    if (!steps.length && !offersContact) return;
    var box = template.content.firstElementChild.cloneNode(true);
    var row = box.querySelector(".actions");
    var links = {};
    Array.prototype.forEach.call(row.querySelectorAll("[data-step]"), function (a) { links[a.dataset.step] = a; a.remove(); });
    steps.forEach(function (step, i) {
      var a = links[step.key];
      a.href = step.url;
      a.classList.toggle("button--primary", i === 0);
      row.appendChild(a);
    });
    var contact = box.querySelector("form");
    if (contact && offersContact) {
      contact.elements.name.value = v.contact_name;
      contact.elements.mobile.value = v.contact_mobile || "";
      contact.elements.stop_id.value = v.stop_id || "";
    } else if (contact) contact.remove();
    saved.insertBefore(box, saved.querySelector(".actions")); // the next step before "start another"
    if (window.htmx) window.htmx.process(box);
  }

  document.addEventListener("htmx:load", function (event) {
    var el = event.target;
    var saved = el.matches && el.matches("[data-outbox-saved]") ? el : el.querySelector && el.querySelector("[data-outbox-saved]");
    if (saved) showNextSteps(saved);
  });
})();

// The sweep's walking route from where the phone is, and again as it moves, with no signal too:
// the pending stops in nearest-neighbour order, the metres of each leg, and the small map redrawn (the same
// arithmetic as webapp/field/route.py, which orders them from the last located visit).
(function () {
  "use strict";
  var EARTH_RADIUS_M = 6371000;
  var MAP_MARGIN = 18;
  var SVG = "http://www.w3.org/2000/svg";
  function rad(d) { return d * Math.PI / 180; }
  function metresBetween(a, b) {
    var h = Math.pow(Math.sin(rad(b[0] - a[0]) / 2), 2) +
      Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.pow(Math.sin(rad(b[1] - a[1]) / 2), 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, h)));
  }
  function where(li) { return [parseFloat(li.dataset.lat), parseFloat(li.dataset.lng)]; }

  function walkingOrder(items, here) {
    var done = items.filter(function (li) { return li.hasAttribute("data-done"); });
    var pending = items.filter(function (li) { return !li.hasAttribute("data-done"); });
    var located = pending.filter(function (li) { return li.dataset.lat; });
    var unlocated = pending.filter(function (li) { return !li.dataset.lat; });
    var legs = [];
    var at = here;
    while (located.length) {
      var best = 0;
      for (var i = 1; i < located.length; i++) {
        if (metresBetween(at, where(located[i])) < metresBetween(at, where(located[best]))) best = i;
      }
      var li = located.splice(best, 1)[0];
      legs.push({ li: li, metres: Math.round(metresBetween(at, where(li))) });
      at = where(li);
    }
    return legs.concat(unlocated.concat(done).map(function (li) { return { li: li, metres: null }; }));
  }

  // Web Mercator: a point's pixel at zoom 0, y growing southward (route.world).
  var TILE_PX = 256;
  function world(p) {
    var sin = Math.min(Math.max(Math.sin(rad(p[0])), -0.9999), 0.9999);
    return [(p[1] + 180) / 360 * TILE_PX, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * TILE_PX];
  }

  // The bank's tiles under the map's box (route.covering_tiles), redrawn with it.
  function drawTiles(map, width, height, left, top, scale) {
    var group = map.querySelector("[data-route-tiles]");
    if (!group || !map.dataset.tiles) return;
    var zoom = Math.min(Math.max(Math.round(Math.log2(scale)), 0), Number(map.dataset.tilesMaxZoom));
    var count = Math.pow(2, zoom);
    var perTile = TILE_PX / count;
    var side = Math.round((perTile * scale + 1) * 10) / 10; // a pixel over the next: no seam
    var tiles = [];
    for (var ty = Math.max(Math.floor(top / perTile), 0); ty <= Math.min(Math.floor((top + height / scale) / perTile), count - 1); ty++) {
      for (var tx = Math.floor(left / perTile); tx <= Math.floor((left + width / scale) / perTile); tx++) {
        var image = document.createElementNS(SVG, "image");
        image.setAttribute("href", map.dataset.tiles.replace("{z}", zoom).replace("{x}", ((tx % count) + count) % count).replace("{y}", ty));
        image.setAttribute("x", Math.round((tx * perTile - left) * scale * 10) / 10);
        image.setAttribute("y", Math.round((ty * perTile - top) * scale * 10) / 10);
        image.setAttribute("width", side);
        image.setAttribute("height", side);
        image.setAttribute("preserveAspectRatio", "none");
        tiles.push(image);
      }
    }
    group.replaceChildren.apply(group, tiles);
  }

  // The stops and the phone projected into the map's box, north up, to scale (route.map_points).
  function drawMap(map, legs, here) {
    var box = map.viewBox.baseVal;
    var width = box.width, height = box.height;
    var located = legs.filter(function (leg) { return leg.li.dataset.lat; });
    var points = located.map(function (leg) { return where(leg.li); }).concat([here]);
    var lat0 = points.reduce(function (sum, p) { return sum + p[0]; }, 0) / points.length;
    var xy = points.map(world);
    var xs = xy.map(function (p) { return p[0]; });
    var ys = xy.map(function (p) { return p[1]; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var least = 0.0005 / 360 * TILE_PX / Math.cos(rad(lat0));
    var span = Math.max(maxX - minX, maxY - minY, least);
    var scale = (Math.min(width, height) - 2 * MAP_MARGIN) / span;
    var left = minX - (width - (maxX - minX) * scale) / 2 / scale;
    var top = minY - (height - (maxY - minY) * scale) / 2 / scale;
    function project(p) {
      var w = world(p);
      return [Math.round((w[0] - left) * scale), Math.round((w[1] - top) * scale)];
    }
    drawTiles(map, width, height, left, top, scale);
    var start = project(here);
    var path = [start];
    located.forEach(function (leg) {
      var at = project(where(leg.li));
      var marker = map.querySelector('[data-map-stop="' + leg.li.dataset.stopId + '"]');
      if (marker) marker.setAttribute("transform", "translate(" + at[0] + " " + at[1] + ")");
      if (!leg.li.hasAttribute("data-done")) path.push(at);
    });
    var dot = map.querySelector("[data-route-here]");
    if (!dot) {
      dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("class", "route-map__here");
      dot.setAttribute("data-route-here", "");
      dot.setAttribute("r", "6");
      map.querySelector("[data-route-path]").after(dot);
    }
    dot.setAttribute("cx", start[0]);
    dot.setAttribute("cy", start[1]);
    map.querySelector("[data-route-path]").setAttribute("points", path.map(function (p) { return p.join(","); }).join(" "));
  }

  function showRoute(list, map, here) {
    var legs = walkingOrder(Array.prototype.slice.call(list.children), here);
    legs.forEach(function (leg, i) {
      var li = leg.li;
      list.appendChild(li);
      var number = li.querySelector("[data-stop-number]");
      if (number) number.textContent = String(i + 1);
      var marker = map && map.querySelector('[data-map-stop="' + li.dataset.stopId + '"] text');
      if (marker && !li.hasAttribute("data-done")) marker.textContent = String(i + 1);
      var distance = li.querySelector("[data-stop-distance]");
      if (distance) distance.textContent = leg.metres === null ? "" : distance.dataset.text.replace("{m}", leg.metres);
    });
    if (map) drawMap(map, legs, here);
    var from = document.querySelector("[data-route-from]");
    if (from) from.textContent = from.dataset.textHere;
  }

  // Redrawn as the phone walks: each new position at least MOVED_M from the one drawn.
  var MOVED_M = 5;
  var list = document.getElementById("sweep-stops");
  if (!list || !navigator.geolocation) return;
  var drawn = null;
  navigator.geolocation.watchPosition(
    function (position) {
      var here = [position.coords.latitude, position.coords.longitude];
      if (drawn && metresBetween(drawn, here) < MOVED_M) return;
      drawn = here;
      showRoute(list, document.getElementById("route-map"), here);
    },
    function () { /* no position: the order last drawn (or from the last located visit) stays */ },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
})();

// The visit form's "shown from the sales kit": the pages this person showed in present mode since
// this visit began (present.js notes them on the phone), added one a line to what is typed there.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  var box = form && form.querySelector("[data-kit-shown]");
  var user = document.body.dataset.user;
  if (!box || !user) return;
  // Kept for the person signed in (app.js removes anyone else's when another signs in).
  var STARTED = "branchkit.visit-started:" + user;
  var SHOWN = "branchkit.kit-shown:" + user;
  var STALE_MS = 3 * 60 * 60 * 1000; // a visit form left unsent this long began another visit
  var started = Number(localStorage.getItem(STARTED));
  if (!started || Date.now() - started > STALE_MS) {
    started = Date.now();
    localStorage.setItem(STARTED, String(started));
  }
  var added = {}; // a page this form has added once, so one deleted by hand stays deleted
  function fill() {
    var shown;
    try { shown = JSON.parse(localStorage.getItem(SHOWN) || "[]"); } catch (error) { return; }
    var lines = box.value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
    shown.forEach(function (item) {
      if (item.at < started || added[item.page]) return;
      added[item.page] = true;
      if (lines.indexOf(item.page) < 0) lines.push(item.page);
    });
    box.value = lines.join("\n");
  }
  fill();
  window.addEventListener("pageshow", fill);
  window.addEventListener("storage", fill); // present mode in another tab
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") fill(); });
  document.addEventListener("submit", function (event) {
    if (event.target === form) localStorage.removeItem(STARTED); // the next visit begins afresh
  }, true);
})();
