// Appointment form: choosing a kept value statement copies its text into the editable box.
// Call log: "it fixed a meeting" opens the appointment form for the customer chosen.
(function () {
  "use strict";
  function linkAppointment(form) {
    var link = form.querySelector("[data-appointment-link]");
    var chosen = form.elements.customer_id && form.elements.customer_id.value;
    if (!link) return;
    var url = new URL(link.getAttribute("href"), location.href);
    if (chosen && chosen !== "0") url.searchParams.set("customer_id", chosen);
    else url.searchParams.delete("customer_id");
    link.setAttribute("href", url.pathname + url.search);
  }
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.name === "customer_id" && select.form) linkAppointment(select.form);
    if (select.name !== "statement_id") return;
    var form = select.form;
    var item = form.querySelector('[data-statements] [data-id="' + select.value + '"]');
    if (item) form.elements.value_statement.value = item.textContent;
  });
  // A customer preselected from the link (server-side or data-prefill) carries over too.
  window.addEventListener("load", function () {
    var form = document.getElementById("call-form");
    if (form) linkAppointment(form);
    preselectOffline();
  });

  // Without signal the picker searches one's own customers kept in the form
  // ([data-picker-offline]) by name, pinyin initials or the mobile's last four digits, as the
  // server does; online, customers.picker answers.
  function ownCustomers(form) {
    return form ? Array.prototype.slice.call(form.querySelectorAll("[data-picker-offline] li")) : [];
  }
  function chip(item, checked) {
    var label = document.createElement("label");
    var input = document.createElement("input");
    var span = document.createElement("span");
    label.className = "chip-choice";
    input.type = "radio";
    input.name = "customer_id";
    input.value = item.dataset.id;
    input.checked = checked;
    span.textContent = item.textContent;
    label.appendChild(input);
    label.appendChild(span);
    return label;
  }
  function matches(item, term) {
    if (/^\d{1,4}$/.test(term)) return item.dataset.tail.slice(-term.length) === term;
    if (/^[a-z]+$/i.test(term) && item.dataset.initials.indexOf(term.toLowerCase()) === 0) return true;
    return item.textContent.indexOf(term) !== -1;
  }
  function searchOffline(input) {
    var form = input.form;
    var options = form && form.querySelector("#customer-options");
    var items = ownCustomers(form);
    if (!options || !items.length) return;
    var term = input.value.trim();
    var chosen = options.querySelector("input[name=customer_id]:checked");
    options.querySelectorAll("label.chip-choice").forEach(function (label) {
      var radio = label.querySelector("input");
      if (radio.value && radio !== chosen) label.remove();
    });
    if (!term) return;
    items.filter(function (item) { return matches(item, term); }).slice(0, 8).forEach(function (item) {
      if (!chosen || chosen.value !== item.dataset.id) options.appendChild(chip(item, false));
    });
  }
  function preselectOffline() {
    var form = document.getElementById("appointment-form");
    var wanted = new URLSearchParams(location.search).get("customer_id");
    var options = form && form.querySelector("#customer-options");
    if (!wanted || !options || options.querySelector('input[value="' + CSS.escape(wanted) + '"]')) return;
    var item = ownCustomers(form).filter(function (i) { return i.dataset.id === wanted; })[0];
    if (item) options.appendChild(chip(item, true));
  }
  document.addEventListener("input", function (event) {
    if (event.target.id === "picker-search" && !navigator.onLine) searchOffline(event.target);
  });
})();
