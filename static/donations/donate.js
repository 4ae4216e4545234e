// Donate page, progressive enhancement: show the "other amount" box only when chosen,
// and say what covering the fee adds. The form works the same without this file.
(function () {
  "use strict";

  function cents(text) {
    var clean = (text || "").replace(/[$,\s]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(clean)) { return null; }
    return Math.round(parseFloat(clean) * 100);
  }

  function money(value) {
    return "$" + (value / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function setup(form) {
    var other = form.querySelector("#custom_amount-field");
    var note = form.querySelector("[data-fee-note]");
    var percent = parseFloat(form.getAttribute("data-fee-percent")) / 100;
    var fixed = parseInt(form.getAttribute("data-fee-fixed"), 10);

    function chosenCents() {
      var checked = form.querySelector("input[name=amount_choice]:checked");
      if (!checked) { return null; }
      if (checked.value === "other") { return cents(form.querySelector("#custom_amount").value); }
      return parseInt(checked.value, 10);
    }

    function update() {
      var checked = form.querySelector("input[name=amount_choice]:checked");
      var showOther = checked && checked.value === "other";
      if (other) { other.hidden = !showOther && !other.classList.contains("field--error"); }
      var amount = chosenCents();
      var cover = form.querySelector("#cover_fee");
      if (note) {
        if (amount && cover && cover.checked) {
          var total = Math.ceil((amount + fixed) / (1 - percent));
          note.textContent = "Your card will be charged " + money(total) + " (" + money(total - amount) + " for the fee).";
          note.hidden = false;
        } else {
          note.hidden = true;
        }
      }
    }

    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("[data-donate-form]");
    for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
  });
})();
