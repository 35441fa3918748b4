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
      referral: address("/referrals/new", merge(who, { note: noteOf(v) })),
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
    saved.appendChild(box);
    if (window.htmx) window.htmx.process(box);
  }

  document.addEventListener("htmx:load", function (event) {
    var el = event.target;
    var saved = el.matches && el.matches("[data-outbox-saved]") ? el : el.querySelector && el.querySelector("[data-outbox-saved]");
    if (saved) showNextSteps(saved);
  });
})();
