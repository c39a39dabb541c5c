// Draws the report's chart from the figures the page carries; redrawn when HTMX swaps in
// another report. The table under it holds the same figures for screen readers.
(function () {
  var chart = null;
  var colours = ["#17753a", "#b42318", "#0b5cad", "#9a5b00"];
  function draw() {
    var source = document.getElementById("report-chart-data");
    var canvas = document.getElementById("report-chart");
    if (chart) { chart.destroy(); chart = null; }
    if (!source || !canvas || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    Chart.defaults.font = { family: "Sarabun, sans-serif", size: 14 };
    var names = Object.keys(data.series);
    var stacked = data.kind === "sla";
    if (data.kind === "sla") canvas.parentNode.style.height = (data.labels.length * 2.2 + 6) + "rem";
    chart = new Chart(canvas, {
      type: data.kind === "trend" ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: names.map(function (name, i) {
          return { label: (data.names || {})[name] || name, data: data.series[name], backgroundColor: colours[i % colours.length] };
        }),
      },
      options: {
        indexAxis: data.kind === "scores" || data.kind === "trend" ? "x" : "y",
        maintainAspectRatio: data.kind !== "sla",
        plugins: { legend: { display: names.length > 1, position: "bottom" } },
        scales: { x: { stacked: stacked, beginAtZero: true }, y: { stacked: stacked } },
      },
    });
    canvas.dataset.drawn = "true";
  }
  // The map: one circle per grid square, its area in proportion to the complaints in it.
  var map = null;
  function drawMap() {
    var source = document.getElementById("report-map-data");
    var box = document.getElementById("report-map");
    if (map) { map.remove(); map = null; }
    if (!source || !box || typeof L === "undefined") return;
    var points = JSON.parse(source.textContent);
    map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
    var top = Math.max.apply(null, points.map(function (p) { return p.n; }).concat([1]));
    var bounds = [];
    points.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], {
        radius: 4 + 16 * Math.sqrt(p.n / top), color: "#b42318", weight: 1, fillOpacity: 0.45,
      }).bindTooltip(String(p.n)).addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); else map.setView([13.7, 100.5], 6);
    box.dataset.drawn = String(points.length);
  }
  function both() { draw(); drawMap(); }
  document.addEventListener("DOMContentLoaded", both);
  document.addEventListener("htmx:afterSettle", both);
})();
