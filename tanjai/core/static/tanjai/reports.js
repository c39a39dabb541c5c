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
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
