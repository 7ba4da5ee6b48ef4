// Repeated rows on the listing form (IP items, co-owners). Without this script
// the "add" buttons post the form and the server returns it with one more empty
// row; with it, rows are added and removed in place.
(function () {
  "use strict";
  document.querySelectorAll("fieldset[data-rows]").forEach(function (set) {
    var list = set.querySelector(".row-list");
    var tmpl = set.querySelector("template");
    var add = set.querySelector("[data-add-row]");
    if (!list || !tmpl || !add) return;
    var removeLabel = set.getAttribute("data-remove-label") || "×";

    function renumber() {
      list.querySelectorAll(".row-item").forEach(function (row, i) {
        row.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
          ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
            var v = el.getAttribute(attr);
            if (v) el.setAttribute(attr, v.replace(/\[(\d+|__i__)\]/g, "[" + i + "]").replace(/-(\d+|__i__)-/g, "-" + i + "-"));
          });
        });
      });
    }

    function addRemoveButton(row) {
      if (row.querySelector(".remove-row")) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "link-button remove-row";
      b.textContent = removeLabel;
      b.addEventListener("click", function () {
        row.remove();
        renumber();
        add.focus();
      });
      row.appendChild(b);
    }

    list.querySelectorAll(".row-item").forEach(addRemoveButton);
    add.addEventListener("click", function (e) {
      e.preventDefault();
      var row = tmpl.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      addRemoveButton(row);
      renumber();
      var first = row.querySelector("input:not([type=hidden]),select");
      if (first) first.focus();
    });
  });
})();
