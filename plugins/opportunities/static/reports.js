// Funnel and forecast charts; clicking a bar opens the opportunity list filtered to it.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("report-data").textContent);
  if (typeof Chart === "undefined") return;

  new Chart(document.getElementById("funnel-chart"), {
    type: "bar",
    data: {
      labels: data.funnel.map(r => r.label),
      datasets: [{label: data.labels.count, data: data.funnel.map(r => r.count),
                  backgroundColor: data.funnel.map(r => r.colour || "#90a4ae")}]
    },
    options: {indexAxis: "y", plugins: {legend: {display: false}},
              onClick: (_e, items) => {
                if (items.length) window.location = data.stageUrl.replace("__STAGE__", data.funnel[items[0].index].stage);
              }}
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
