// The map pin of the entry forms (staff and public). Without tiles (offline, blocked) the
// form works as is; "use my location" works without the map too.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("map");
  var lat = document.querySelector("[name=lat]");
  var lon = document.querySelector("[name=lon]");
  var map = null, marker = null;
  function pin(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (!map) { return; }
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
  }
  if (el && typeof L !== "undefined") {
    map = L.map(el).setView([13.75, 100.9], 7);
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    map.on("click", function (e) { pin(e.latlng); });
    if (lat && lat.value && lon.value) {
      var there = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
      pin(there);
      map.setView(there, 16);
    }
  } else if (el) {
    el.hidden = true;
  }
  var locate = document.getElementById("locate");
  if (locate) {
    if (!navigator.geolocation) { locate.hidden = true; return; }
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var here = { lat: pos.coords.latitude, lng: pos.coords.longitude };
        pin(here);
        if (map) { map.setView([here.lat, here.lng], 17); }
        locate.textContent = locate.dataset.done || locate.textContent;
      });
    });
  }
});
