// Small behaviours of every page, declared with data-* attributes instead of inline
// handlers: the Content-Security-Policy runs scripts only from our own files. Listened
// for on the document, so parts that HTMX swaps in keep them.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    // A box that ticks every box of that name (a queue's "tick all on this page").
    if (box.matches && box.matches("input[data-check-all]")) {
      document.querySelectorAll('input[name="' + box.dataset.checkAll + '"]').forEach(function (other) {
        other.checked = box.checked;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    if (target.matches("input[data-select-on-click]")) target.select();  // a link to copy
    if (target.closest("[data-print]")) window.print();
  });

  // Filters fold into one line on a phone, where the work comes first; open on a wide screen.
  if (!window.matchMedia("(max-width: 40rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }
})();
