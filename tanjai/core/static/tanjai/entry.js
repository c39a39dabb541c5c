// The map pin of the entry form. Without tiles (offline, blocked) the form works as is.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { if (el) { el.hidden = true; } return; }
  var map = L.map(el).setView([13.75, 100.9], 7);
  L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  var marker = null;
  map.on("click", function (e) {
    if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
    document.querySelector("[name=lat]").value = e.latlng.lat.toFixed(6);
    document.querySelector("[name=lon]").value = e.latlng.lng.toFixed(6);
  });
});
