// The period picker: the "from … to …" days are shown only when a range of days is chosen
// (without JavaScript they are always shown, and filling both chooses the range).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("select[name=period]");
  if (!select) { return; }
  var boxes = document.querySelectorAll("[data-range]");
  function show() {
    var range = select.value === "range";
    boxes.forEach(function (box) {
      box.hidden = !range;
      if (!range) { box.querySelectorAll("input").forEach(function (i) { i.value = ""; }); }
    });
  }
  select.addEventListener("change", show);
  show();
});
