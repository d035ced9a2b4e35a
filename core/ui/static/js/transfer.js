/* The users page: follow a hand-over job (GET /api/v1/jobs/<id>) until it ends, then show its result. */
(function () {
  "use strict";
  const box = document.getElementById("transfer-progress");
  const POLL_MS = 1000;
  const WAITING = ["queued", "running", "failed"];

  async function follow(url) {
    const bar = document.getElementById("transfer-progress-bar");
    const text = document.getElementById("transfer-progress-text");
    for (;;) {
      const response = await fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}});
      const job = response.ok ? await response.json() : null;
      if (!job) return;
      if (job.progress.total != null) {
        bar.max = Math.max(job.progress.total, 1);
        bar.value = job.progress.done || 0;
        text.textContent = box.dataset.progressText.replace("{done}", (job.progress.done || 0).toLocaleString())
          .replace("{total}", job.progress.total.toLocaleString());
      }
      if (!WAITING.includes(job.status)) { location.reload(); return; }
      await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
  }

  if (box && box.dataset.poll) follow(box.dataset.poll);
})();
