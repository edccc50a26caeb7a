/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Results page: the print button exists in the HTML but is hidden until JavaScript can use it.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-print-hint]").forEach(function (hint) { hint.hidden = true; });

  // Wizard: open the chosen section's process/equipment list.
  var industry = document.getElementById("industry");
  if (industry) {
    industry.addEventListener("change", function () {
      document.querySelectorAll("details.vocab").forEach(function (details) {
        if (details.dataset.section === industry.value) { details.open = true; }
      });
    });
  }

  // Wizard: add a product row in place instead of a round trip to the server.
  var addButton = document.querySelector("[data-add-product]");
  var rows = document.querySelector("[data-product-rows]");
  if (addButton && rows) {
    addButton.addEventListener("click", function (event) {
      var all = rows.querySelectorAll("[data-product-row]");
      if (all.length >= 20) { return; }
      event.preventDefault();
      var last = all[all.length - 1];
      var index = all.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (el) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/(products[.-])\d+/, "$1" + index)); }
        });
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
        if (el.tagName === "INPUT") { el.value = ""; }
        if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      });
      copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      var title = copy.querySelector(".row-title");
      if (title) { title.textContent = title.textContent.replace(/\d+/, String(index + 1)); }
      rows.appendChild(copy);
      var first = copy.querySelector("select");
      if (first) { first.focus(); }
    });
  }
})();
