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
  });
})();
