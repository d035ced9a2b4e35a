// Kanban pipeline board.  A deal card moves to another stage by dragging it, or by focusing it and
// pressing the left / right arrow key.  The server decides (required actions, lost reason): a move
// refused for missing required actions opens a dialog where they are ticked off and the move retried;
// any other refusal puts the card back and shows the message.  Moves are announced for screen readers.
// ``window.PlugcrmBoard.move(dealId, stage)`` is the one move function (drag, keys and tests use it).
(function () {
  "use strict";
  const board = document.querySelector(".board");
  if (!board) return;
  const texts = JSON.parse(document.getElementById("board-texts").textContent);
  const message = document.getElementById("board-message");
  const status = document.getElementById("board-status");

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  board.querySelectorAll(".column-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      const column = button.closest(".board-column");
      const collapsed = column.classList.toggle("collapsed");
      button.setAttribute("aria-expanded", String(!collapsed));
      button.textContent = collapsed ? texts.show : texts.hide;
    });
  });
  const month = document.getElementById("board-month");
  if (month) month.addEventListener("change", function () { month.form.submit(); });

  if (board.dataset.canEdit !== "true") return;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const actionLabels = {};
  JSON.parse(board.dataset.actions || "[]").forEach(function (a) { actionLabels[a.value] = a.label; });
  let dragged = null;

  function show(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function announce(text) {
    status.textContent = text;
  }

  function ask(dialog, read) {
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        resolve(dialog.returnValue === "ok" ? read() : null);
      });
      dialog.returnValue = "";
      dialog.showModal();
    });
  }

  function askLostReason() {
    return ask(document.getElementById("lost-dialog"), function () {
      return {lost_reason: document.getElementById("lost-reason").value,
              lost_to: document.getElementById("lost-to").value};
    });
  }

  // The dialog lists the missing actions as checkboxes (all ticked); the answer is the ticked ones and a note.
  function askActions(missing) {
    const list = document.getElementById("actions-list");
    list.replaceChildren();
    missing.forEach(function (value) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = value;
      box.checked = true;
      box.name = "action";
      label.append(box, " ", actionLabels[value] || value);
      list.appendChild(label);
    });
    return ask(document.getElementById("actions-dialog"), function () {
      return {done: Array.from(list.querySelectorAll("input:checked")).map(function (b) { return b.value; }),
              note: document.getElementById("actions-note").value};
    });
  }

  async function post(card, body) {
    const response = await fetch("/api/v1/opportunities/" + card.dataset.id + "/stage", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body)
    });
    return {ok: response.ok, status: response.status, data: await response.json()};
  }

  // Move the card with this deal id to the column of ``stage``; resolves to true when the server agreed.
  async function move(dealId, stage) {
    const card = document.getElementById("deal-" + dealId);
    const column = board.querySelector('.board-column[data-stage="' + stage + '"]');
    if (!card || !column) return false;
    const from = card.closest(".board-column");
    if (from === column) return true;
    const body = {stage: stage, version: Number(card.dataset.version)};
    if (column.dataset.kind === "lost") {
      const answer = await askLostReason();
      if (!answer) return false;
      Object.assign(body, answer);
    }
    column.querySelector(".cards").appendChild(card);
    card.classList.add("moving");
    let result = await post(card, body);
    const error = result.data.error || {};
    if (!result.ok && error.missing_actions && error.missing_actions.length) {
      show(error.message);
      const answer = await askActions(error.missing_actions);
      if (answer && answer.done.length) {
        const completed = JSON.parse(card.dataset.completed || "[]");
        answer.done.forEach(function (a) { if (completed.indexOf(a) < 0) completed.push(a); });
        result = await post(card, Object.assign(body, {completed_actions: completed, note: answer.note}));
      }
    }
    card.classList.remove("moving");
    if (!result.ok) {
      from.querySelector(".cards").appendChild(card);
      const refusal = result.data.error ? result.data.error.message : String(result.status);
      show(refusal);
      announce(format(texts.refused, {title: card.dataset.title}) + " " + refusal);
      card.focus();
      return false;
    }
    card.dataset.version = result.data.version;
    card.dataset.completed = JSON.stringify(result.data.completed_actions || []);
    show("");
    // Columns show at most 50 cards, so the header totals are adjusted, not recounted.
    const amount = Number(card.dataset.amount) || 0;
    adjust(from, -1, -amount);
    adjust(column, 1, amount);
    column.classList.remove("collapsed");
    announce(format(texts.moved, {title: card.dataset.title, stage: column.dataset.label}));
    card.focus();
    return true;
  }
  window.PlugcrmBoard = {move: move};

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

  // The move menu (touch screens, or anyone who prefers it to the arrow keys): pick the stage in a dialog.
  board.addEventListener("click", function (event) {
    const button = event.target.closest(".card-move");
    if (!button) return;
    const card = button.closest(".deal-card");
    const dialog = document.getElementById("move-dialog");
    const current = card.closest(".board-column").dataset.stage;
    dialog.querySelectorAll(".move-stage").forEach(function (b) { b.disabled = b.value === current; });
    ask(dialog, function () { return dialog.returnValue; }).then(function () {
      if (dialog.returnValue && dialog.returnValue !== "cancel") move(card.dataset.id, dialog.returnValue);
      else button.focus();
    });
  });

  board.addEventListener("keydown", function (event) {
    const card = event.target.closest && event.target.closest(".deal-card");
    if (!card || event.target !== card || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    event.preventDefault();
    const columns = Array.from(board.querySelectorAll(".board-column"));
    const target = columns[columns.indexOf(card.closest(".board-column")) + (event.key === "ArrowRight" ? 1 : -1)];
    if (target) move(card.dataset.id, target.dataset.stage);
  });
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
    move(dragged.dataset.id, column.dataset.stage);
    dragged = null;
  });
})();
