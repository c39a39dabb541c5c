// Draws the dashboard's charts from the figures the page carries (no extra request).
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var font = { family: "Sarabun, sans-serif", size: 14 };
  Chart.defaults.font = font;
  function bar(id, chart, colour) {
    new Chart(document.getElementById(id), {
      type: "bar",
      data: { labels: chart.labels, datasets: [{ data: chart.values, backgroundColor: colour }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
  bar("chart-state", data.state, "#0b5cad");
  bar("chart-category", data.category, "#17753a");
  bar("chart-channel", data.channel, "#9a5b00");

  // A long branch name is shortened on a phone (the tooltip and the table keep it whole);
  // cut between letters as one sees them, never between a Thai consonant and its vowel.
  function shorten(label, max) {
    var parts = typeof Intl !== "undefined" && Intl.Segmenter
      ? Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(label), function (s) { return s.segment; })
      : Array.from(label);
    return parts.length > max ? parts.slice(0, max - 1).join("") + "…" : label;
  }

  // A region or the organisation: open complaints per branch, on time and overdue stacked.
  function perBranch(canvas, rows) {
    // One bar a branch, whatever their number: the chart grows with the rows.
    canvas.parentNode.style.height = (rows.length * 2 + 5) + "rem";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (b) { return b.name; }),
        datasets: [
          { label: canvas.dataset.onTime, data: rows.map(function (b) { return Math.max(b.open - b.late, 0); }), backgroundColor: "#0b5cad" },
          { label: canvas.dataset.overdue, data: rows.map(function (b) { return b.late; }), backgroundColor: "#b42318" },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: {
            stacked: true,
            ticks: {
              autoSkip: false,
              callback: function (value) {
                var label = this.getLabelForValue(value);
                return this.chart.width < 480 ? shorten(label, 14) : label;
              },
            },
          },
        },
      },
    });
  }
  var branches = document.getElementById("dashboard-branches");
  var canvas = document.getElementById("chart-branch");
  if (branches && canvas) {
    perBranch(canvas, JSON.parse(branches.textContent));
  }
});
