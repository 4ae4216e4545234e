// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Signup and profile: show the professional fields only for categories that ask for them,
  // and relabel them to match the chosen category.
  var LABELS = {
    le_current: { organisation: "Agency", role: "Rank or role", years: true },
    le_former: { organisation: "Last agency", role: "Rank or role", years: true },
    cj_professional: { organisation: "Organisation", role: "Role", years: true },
    policymaker: { organisation: null, role: "Office held", years: false },
    citizen: null
  };

  function setup(form) {
    var section = form.querySelector("[data-professional]");
    if (!section) { return; }
    function field(name) { return form.querySelector("#" + name + "-field"); }
    function update() {
      var checked = form.querySelector("input[name=category]:checked");
      var info = checked ? LABELS[checked.value] : undefined;
      section.hidden = info === null;
      if (!info) { return; }
      var org = field("organisation"), role = field("role_title"), years = field("years_of_service");
      if (org) {
        org.hidden = !info.organisation;
        if (info.organisation) { org.querySelector("label").textContent = info.organisation; }
      }
      if (role) { role.querySelector("label").textContent = info.role; }
      if (years) { years.hidden = !info.years; }
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "category") { update(); }
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("[data-category-form]");
    for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
  });
})();
