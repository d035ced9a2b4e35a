/* The receipt board's "refresh every 20 seconds" (NewZen's 20초마다 갱신), remembered in this browser. */
(function () {
  "use strict";
  const box = document.getElementById("auto-refresh");
  if (!box) return;
  const KEY = "cti_lg.board.autorefresh";
  let timer = null;
  function arm() {
    clearTimeout(timer);
    if (box.checked) timer = setTimeout(() => window.location.reload(), 20000);
  }
  box.checked = window.localStorage.getItem(KEY) === "1";
  box.addEventListener("change", () => { window.localStorage.setItem(KEY, box.checked ? "1" : "0"); arm(); });
  arm();
})();
