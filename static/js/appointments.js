// Appointment form: choosing a kept value statement copies its text into the editable box.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.name !== "statement_id") return;
    var form = select.form;
    var item = form.querySelector('[data-statements] [data-id="' + select.value + '"]');
    if (item) form.elements.value_statement.value = item.textContent;
  });
})();
