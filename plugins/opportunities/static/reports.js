// Funnel (open stages only) and forecast charts; clicking a bar opens the opportunity list filtered to it.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("report-data").textContent);
  if (typeof Chart === "undefined") return;

  // A funnel: one centred bar per open stage, as wide as the deals that reached it (an invisible
  // spacer bar stacked before it centres it); the conversion to the next stage is in the tooltip.
  const widest = Math.max(1, ...data.funnel.map(r => r.reached || 0));
  const stageAt = i => window.location = data.stageUrl.replace("__STAGE__", data.funnel[i].stage);
  new Chart(document.getElementById("funnel-chart"), {
    type: "bar",
    data: {
      labels: data.funnel.map(r => r.label),
      datasets: [
        {data: data.funnel.map(r => (widest - (r.reached || 0)) / 2), backgroundColor: "transparent",
         stack: "funnel", hoverBackgroundColor: "transparent"},
        {label: data.labels.reached, data: data.funnel.map(r => r.reached || 0), stack: "funnel",
         backgroundColor: data.funnel.map(r => r.colour || "#1e88e5"), barPercentage: 1, categoryPercentage: 0.92}
      ]
    },
    options: {
      indexAxis: "y", aspectRatio: 2.6,
      scales: {x: {stacked: true, display: false, max: widest}, y: {stacked: true, grid: {display: false}}},
      plugins: {
        legend: {display: false},
        tooltip: {filter: item => item.datasetIndex === 1, callbacks: {
          afterLabel: item => {
            const conversion = data.funnel[item.dataIndex].conversion;
            return conversion === null ? "" : data.labels.conversion + ": " + conversion + "%";
          }}}
      },
      onClick: (_e, items) => { if (items.length) stageAt(items[0].index); }
    }
  });

  new Chart(document.getElementById("forecast-chart"), {
    type: "bar",
    data: {
      labels: data.forecast.map(r => r.month),
      datasets: [{label: data.labels.amount, data: data.forecast.map(r => Number(r.amount)), backgroundColor: "#90caf9"},
                 {label: data.labels.weighted, data: data.forecast.map(r => Number(r.weighted)), backgroundColor: "#1e88e5"}]
    },
    options: {onClick: (_e, items) => {
      if (!items.length) return;
      const month = data.forecast[items[0].index].month;
      window.location = data.monthUrl.replace("__MONTH__", month);
    }}
  });
})();
