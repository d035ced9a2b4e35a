// Kanban pipeline board: drag a deal card to another stage column.  The server decides
// (required actions, lost reason); on refusal the card goes back and the message is shown.
(function () {
  "use strict";
  const board = document.querySelector(".board");
  if (!board || board.dataset.canEdit !== "true") return;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const message = document.getElementById("board-message");
  let dragged = null;

  function show(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function askLostReason() {
    const dialog = document.getElementById("lost-dialog");
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        resolve(dialog.returnValue === "ok" ? {
          lost_reason: document.getElementById("lost-reason").value,
          lost_to: document.getElementById("lost-to").value
        } : null);
      });
      dialog.showModal();
    });
  }

  async function move(card, column) {
    const from = card.closest(".board-column");
    const body = {stage: column.dataset.stage, version: Number(card.dataset.version)};
    if (column.dataset.kind === "lost") {
      const answer = await askLostReason();
      if (!answer) return;
      Object.assign(body, answer);
    }
    column.querySelector(".cards").appendChild(card);
    card.classList.add("moving");
    const response = await fetch("/api/v1/opportunities/" + card.dataset.id + "/stage", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body)
    });
    const data = await response.json();
    card.classList.remove("moving");
    if (!response.ok) {
      from.querySelector(".cards").appendChild(card);
      show(data.error ? data.error.message : String(response.status));
      return;
    }
    card.dataset.version = data.version;
    show("");
    // Columns show at most 50 cards, so the header totals are adjusted, not recounted.
    const amount = Number(card.dataset.amount) || 0;
    adjust(from, -1, -amount);
    adjust(column, 1, amount);
  }

  const money = new Intl.NumberFormat(document.documentElement.lang || undefined,
    {style: "currency", currency: board.dataset.currency || "KRW"});

  function adjust(column, cards, amount) {
    const count = column.querySelector(".count");
    count.textContent = Number(count.textContent) + cards;
    const total = column.querySelector(".amount");
    const value = Number(total.dataset.amount) + amount;
    total.dataset.amount = value;
    total.textContent = money.format(value);
  }

  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".deal-card");
    if (dragged) event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  board.addEventListener("dragover", function (event) {
    const column = event.target.closest(".board-column");
    if (column && dragged) { event.preventDefault(); column.classList.add("drop-target"); }
  });
  board.addEventListener("dragleave", function (event) {
    const column = event.target.closest(".board-column");
    if (column) column.classList.remove("drop-target");
  });
  board.addEventListener("drop", function (event) {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    if (column !== dragged.closest(".board-column")) move(dragged, column);
    dragged = null;
  });
})();
