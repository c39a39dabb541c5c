// The subcategory list of the entry forms (staff and public) follows the category: only
// the chosen category's subcategories. Without JavaScript the list is grouped by category,
// and the form refuses a subcategory of another category.
document.addEventListener("DOMContentLoaded", function () {
  var category = document.querySelector("#entry select[name=category]");
  var sub = document.querySelector("#entry select[name=subcategory]");
  if (!category || !sub) { return; }
  var blank = sub.querySelector("option:not([data-category])");
  var all = Array.prototype.slice.call(sub.querySelectorAll("option[data-category]"));
  function follow() {
    var kept = sub.value;
    var mine = all.filter(function (o) { return o.dataset.category === category.value; });
    while (sub.firstChild) { sub.removeChild(sub.firstChild); }
    if (blank) { sub.appendChild(blank); }
    mine.forEach(function (o) { sub.appendChild(o); });
    var still = mine.some(function (o) { return o.value === kept; });
    sub.value = still ? kept : (blank ? blank.value : "");
    sub.disabled = mine.length === 0;
  }
  category.addEventListener("change", follow);
  follow();
});

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
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { icon: pinIcon() }).addTo(map); }
  }
  // Leaflet guesses where its marker images are from its style sheet's url(), which
  // collectstatic rewrites to hashed names; the guess then misses (404). The page names them.
  function pinIcon() {
    if (!el.dataset.icon) { return new L.Icon.Default(); }
    return L.icon(L.extend({}, L.Icon.Default.prototype.options, {
      iconUrl: el.dataset.icon,
      iconRetinaUrl: el.dataset.iconRetina,
      shadowUrl: el.dataset.shadow,
    }));
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
