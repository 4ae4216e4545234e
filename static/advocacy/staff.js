// Staff action form: show only the section for the chosen type. Without this file every
// section stays visible and the form still works.
(function () {
  "use strict";

  function setup(form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) { return; }
    var sections = form.querySelectorAll("fieldset[data-kind]");
    function update() {
      for (var i = 0; i < sections.length; i++) {
        sections[i].hidden = sections[i].getAttribute("data-kind") !== kind.value;
      }
    }
    kind.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("[data-action-form]");
    for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
  });
})();
