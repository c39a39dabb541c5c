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
});
