/* The import result page: follow a running import through the API until it ends, confirm an undo. */
(function () {
  "use strict";
  const box = document.getElementById("import-progress");
  const POLL_MS = 1000;

  async function follow(url) {
    const bar = document.getElementById("import-progress-bar");
    const text = document.getElementById("import-progress-text");
    for (;;) {
      const response = await fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}});
      const state = response.ok ? await response.json() : null;
      if (!state) return;
      if (state.total != null) {
        bar.max = Math.max(state.total, 1);
        bar.value = state.done;
        text.textContent = box.dataset.progressText.replace("{done}", state.done.toLocaleString())
          .replace("{total}", state.total.toLocaleString());
      }
      if (state.status !== "queued" && state.status !== "running") { location.reload(); return; }
      await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
  }

  if (box && box.dataset.poll) follow(box.dataset.poll);
  document.querySelectorAll("[data-show-dialog]").forEach(btn => btn.addEventListener("click", () => {
    document.getElementById(btn.dataset.showDialog).showModal();
  }));
})();
