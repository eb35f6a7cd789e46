// The dashboard's charts (Chart.js, served by Imbuto). Each chart's numbers are also in the table beside it.
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("dash-data");
    if (!node || !window.Chart) { return; }
    var data = JSON.parse(node.textContent);
    var L = document.getElementById("dash-labels").dataset;
    var common = {responsive: true, maintainAspectRatio: false, animation: false};
    var specs = {
      funnel: {type: "bar", data: {labels: data.funnel.labels, datasets: [{label: L.reached, data: data.funnel.values, backgroundColor: "#2f6f4f"}]}, options: Object.assign({indexAxis: "y"}, common)},
      trend: {type: "line", data: {labels: data.trend.labels, datasets: [
        {label: L.leads, data: data.trend.leads, borderColor: "#2f6f4f", yAxisID: "y"},
        {label: L.won, data: data.trend.won, borderColor: "#c9771a", yAxisID: "y1"}]},
        options: Object.assign({scales: {y: {position: "left"}, y1: {position: "right", grid: {drawOnChartArea: false}}}}, common)},
      channels: {type: "bar", data: {labels: data.channels.labels, datasets: [{label: L.leads, data: data.channels.values, backgroundColor: "#4b7bb5"}]}, options: common},
      slices: {type: "bar", data: {labels: data.slices.labels, datasets: [
        {label: L.won, data: data.slices.won, backgroundColor: "#2f6f4f"},
        {label: L.target, data: data.slices.target, backgroundColor: "#bbbbbb"}]}, options: common},
      forecast: {type: "bar", data: {labels: data.forecast.labels, datasets: [
        {label: L.weighted, data: data.forecast.weighted, backgroundColor: "#4b7bb5"},
        {label: L.predicted, data: data.forecast.predicted, backgroundColor: "#8a5ab5"},
        {label: L.target, data: data.forecast.target, type: "line", borderColor: "#c0392b"}]}, options: common}
    };
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = specs[canvas.dataset.chart];
      if (spec) { canvas.parentNode.classList.add("has-chart"); canvas.chart = new window.Chart(canvas, spec); }
    });
    document.body.dataset.chartsReady = "1";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
