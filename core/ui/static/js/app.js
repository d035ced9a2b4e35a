/* plugcrm UI behaviour: plain JavaScript, no external assets. */
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const i18n = JSON.parse(($("#i18n") || {}).textContent || "{}");
  const csrf = ($('meta[name="csrf-token"]') || {}).content || "";

  async function api(method, url, body) {
    const opts = {method, headers: {"X-CSRFToken": csrf, "Accept": "application/json"}, credentials: "same-origin"};
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    const response = await fetch(url, opts);
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return {ok: response.ok, status: response.status, data};
  }
  function when(iso) {
    if (!iso) return "";
    try {
      return new Date(iso).toLocaleString(i18n.locale || undefined,
        {timeZone: i18n.timezone || undefined, dateStyle: "medium", timeStyle: "short"});
    } catch (err) { return iso; }
  }
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  }

  /* toggles: the user menu and the mobile navigation */
  $$("[data-toggle]").forEach(btn => btn.addEventListener("click", e => {
    const target = document.getElementById(btn.dataset.toggle);
    if (!target) return;
    if (target.classList.contains("sidebar")) target.classList.toggle("open"); else target.hidden = !target.hidden;
    e.stopPropagation();
  }));
  document.addEventListener("click", e => {
    const menu = $("#user-menu");
    if (menu && !menu.hidden && !menu.contains(e.target)) menu.hidden = true;
  });
  $$("dialog [data-close]").forEach(btn => btn.addEventListener("click", () => btn.closest("dialog").close()));
  $$("select[data-navigate]").forEach(sel => sel.addEventListener("change", () => { if (sel.value) location.href = sel.value; }));
  $$("select[data-autosubmit]").forEach(sel => sel.addEventListener("change", () => sel.form.submit()));
  $$("[data-history-back]").forEach(link => link.addEventListener("click", e => {
    if (history.length > 1) { e.preventDefault(); history.back(); }
  }));

  /* buttons that call the JSON API (e.g. retry a dead job), then reload the page */
  $$("[data-api-post]").forEach(btn => btn.addEventListener("click", async () => {
    btn.disabled = true;
    const r = await api("POST", btn.dataset.apiPost);
    if (r.ok) { location.reload(); return; }
    btn.disabled = false;
    const box = $("#api-message");
    if (box) { box.textContent = (r.data && r.data.error && r.data.error.message) || i18n.error; box.hidden = false; }
  }));

  /* tabs */
  $$(".tabs").forEach(tabs => {
    const buttons = $$("button[role=tab]", tabs);
    buttons.forEach(btn => btn.addEventListener("click", () => {
      buttons.forEach(b => { b.setAttribute("aria-selected", b === btn ? "true" : "false");
        document.getElementById(b.getAttribute("aria-controls")).hidden = b !== btn; });
    }));
  });

  /* a record page's delete button asks first (the dialog holds the form that deletes) */
  $$("[data-confirm-dialog]").forEach(btn => btn.addEventListener("click", () => {
    document.getElementById(btn.dataset.confirmDialog).showModal();
  }));

  /* conditional fields (Field.show_when): shown only while the controlling field has one of the values */
  $$("[data-show-when]").forEach(box => {
    const form = box.closest("form");
    const values = JSON.parse(box.dataset.showValues).map(String);
    const control = form && form.querySelector(`[name="${box.dataset.showWhen}"]:not([type=hidden])`);
    if (!control) return;
    const update = () => {
      const current = control.type === "checkbox" ? String(control.checked) : control.value;
      box.hidden = !values.includes(current);
    };
    control.addEventListener("change", update);
    update();
  });

  /* list selection, mass delete and mass edit with a confirmation naming the count */
  const listForm = $("#list-form");
  if (listForm) {
    const boxes = () => $$("input[name=ids]", listForm);
    const checked = () => boxes().filter(b => b.checked);
    const all = $("#select-all");
    const update = () => {
      const n = checked().length;
      $$("[data-needs-selection]").forEach(b => { b.disabled = n === 0; });
      $$("[data-selected-count]").forEach(el => { el.textContent = n; });
    };
    if (all) all.addEventListener("change", () => { boxes().forEach(b => { b.checked = all.checked; }); update(); });
    boxes().forEach(b => b.addEventListener("change", update));
    update();
    $$("[data-open-dialog]").forEach(btn => btn.addEventListener("click", () => {
      const dialog = document.getElementById(btn.dataset.openDialog);
      const n = checked().length;
      $$("[data-count-text]", dialog).forEach(el => { el.textContent = el.dataset.countText.replace("{n}", n); });
      dialog.showModal();
    }));
    $$("dialog [data-submit-action]").forEach(btn => btn.addEventListener("click", () => {
      listForm.querySelector("input[name=action]").value = btn.dataset.submitAction;
      const dialog = btn.closest("dialog");
      $$("[data-copy]", dialog).forEach(el => {
        const target = listForm.querySelector(`[name="${el.dataset.copy}"]`);
        if (target) target.value = el.value;
      });
      listForm.submit();
    }));
  }

  /* export buttons (a list's, or any page's with an #export-message): the selection of #list-form for scope=selected */
  $$("[data-export]").forEach(btn => btn.addEventListener("click", async () => {
    const url = new URL(btn.dataset.export, location.href);
    url.searchParams.set("scope", btn.dataset.scope);
    if (btn.dataset.scope === "selected") {
      url.searchParams.set("ids", $$("#list-form input[name=ids]").filter(b => b.checked).map(b => b.value).join(","));
    }
    await exportFile(url.toString(), btn);
  }));

  /* exports: small ones come back as the file; big ones run as a job that is polled until the file is ready */
  async function exportFile(url, btn) {
    const message = $("#export-message");
    const show = (text, download) => {
      if (!message) return;
      message.textContent = text;
      if (download) {
        const link = document.createElement("a");
        link.href = download; link.id = "export-download"; link.textContent = i18n.download;
        message.append(" ", link);
      }
      message.hidden = !text;
    };
    btn.disabled = true;
    try {
      const response = await fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}});
      if (response.status === 200) {
        const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(response.headers.get("Content-Disposition") || "");
        const link = document.createElement("a");
        link.href = URL.createObjectURL(await response.blob());
        link.download = name ? decodeURIComponent(name[1]) : "export";
        document.body.appendChild(link); link.click(); link.remove();
        show("");
        return;
      }
      const body = await response.json().catch(() => null);
      if (response.status !== 202 || !body) { show((body && body.error && body.error.message) || i18n.error); return; }
      let state = body;
      while (state.status !== "done") {
        if (state.status === "failed") { show(state.message || i18n.error); return; }
        /* the job's progress: queued, then running (a long one shows it for as long as it runs) */
        show(`${i18n.export_running} (${(i18n.export_states || {})[state.status] || state.status})`);
        await new Promise(resolve => setTimeout(resolve, 1000));
        state = (await api("GET", `/api/v1/exports/${body.id}`)).data || {status: "failed"};
      }
      show(i18n.export_ready, state.download);  /* the link stays, should the download be blocked */
      location.href = state.download;
    } finally { btn.disabled = false; }
  }

  /* reference fields: type-ahead over the lookup endpoint, quick-create in a dialog */
  $$(".ref-field").forEach(box => {
    const text = $("input[type=text]", box), hidden = $("input[type=hidden]", box), results = $(".ref-results", box);
    let timer = null;
    text.addEventListener("input", () => {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const r = await api("GET", box.dataset.lookup + "?q=" + encodeURIComponent(text.value));
        results.innerHTML = "";
        const rows = (r.data && r.data.data) || [];
        if (!rows.length) { results.innerHTML = `<div class="muted" style="padding:8px">${escapeHtml(i18n.no_results)}</div>`; }
        rows.forEach(row => {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = row.title + (row.number ? ` (${row.number})` : "");
          b.addEventListener("click", () => { hidden.value = row.id; text.value = row.title; results.hidden = true; });
          results.appendChild(b);
        });
        results.hidden = false;
      }, 200);
    });
    text.addEventListener("blur", () => setTimeout(() => { results.hidden = true; }, 200));
    const quick = $("[data-quick-create]", box);
    if (quick) quick.addEventListener("click", () => openQuickCreate(quick.dataset.quickCreate, (rec, title) => {
      hidden.value = rec.id; text.value = title;
    }));
  });

  async function openQuickCreate(entity, done) {
    const dialog = $("#quick-create");
    const meta = await api("GET", `/api/v1/meta/entities/${entity}`);
    if (!meta.ok) return;
    const fields = meta.data.fields.filter(f => !f.readonly && (f.required || f.name === meta.data.title_field));
    $("h2", dialog).textContent = meta.data.label_singular;
    const body = $(".quick-fields", dialog);
    body.innerHTML = fields.map(f => `<div class="form-field" data-field="${f.name}"><label>${escapeHtml(f.label)}<span class="required-mark">*</span></label>` +
      (f.values ? `<select name="${f.name}">${f.values.map(v => `<option value="${escapeHtml(v.value)}">${escapeHtml(v.label)}</option>`).join("")}</select>`
                : `<input name="${f.name}" type="text">`) + `<div class="field-error"></div></div>`).join("");
    const save = $("[data-quick-save]", dialog);
    save.onclick = async () => {
      const payload = {};
      $$("[name]", body).forEach(el => { payload[el.name] = el.value; });
      const r = await api("POST", `/api/v1/${entity}`, payload);
      $$(".field-error", body).forEach(el => { el.textContent = ""; });
      if (r.ok) { dialog.close(); done(r.data, r.data[meta.data.title_field]); return; }
      const err = (r.data && r.data.error) || {};
      $(".dialog-message", dialog).textContent = err.message || i18n.error;
      Object.entries(err.fields || {}).forEach(([name, msg]) => {
        const slot = $(`[data-field="${name}"] .field-error`, body);
        if (slot) slot.textContent = msg;
      });
    };
    $(".dialog-message", dialog).textContent = "";
    dialog.showModal();
  }

  /* notes and attachments on the record page (the notes/attachments API) */
  const recordApi = $("[data-record-api]");
  async function loadNotes() {
    const panel = $("#notes-list");
    if (!panel) return;
    const r = await api("GET", recordApi.dataset.recordApi + "/notes");
    const rows = (r.data && r.data.data) || [];
    $("#notes-count").textContent = rows.length;
    panel.innerHTML = rows.length ? rows.map(n => `<div class="note"><div class="muted">${escapeHtml(n.author_name || "")} · ${escapeHtml(when(n.created_at))}</div>${escapeHtml(n.body)}</div>`).join("")
                                  : `<p class="muted">${escapeHtml(i18n.none_yet)}</p>`;
  }
  async function loadAttachments() {
    const panel = $("#attachments-list");
    if (!panel) return;
    const r = await api("GET", recordApi.dataset.recordApi + "/attachments");
    const rows = (r.data && r.data.data) || [];
    $("#attachments-count").textContent = rows.length;
    panel.innerHTML = rows.length ? "<ul>" + rows.map(a => `<li><a href="${recordApi.dataset.recordApi}/attachments/${a.id}">${escapeHtml(a.filename || a.name)}</a> <span class="muted">${escapeHtml(a.size != null ? Math.ceil(a.size / 1024) + " KB" : "")} · ${escapeHtml(a.uploaded_by_name || "")} · ${escapeHtml(when(a.created_at))}</span></li>`).join("") + "</ul>"
                                  : `<p class="muted">${escapeHtml(i18n.none_yet)}</p>`;
  }
  if (recordApi) {
    loadNotes(); loadAttachments();
    const noteForm = $("#note-form");
    if (noteForm) noteForm.addEventListener("submit", async e => {
      e.preventDefault();
      const text = $("textarea", noteForm);
      const r = await api("POST", recordApi.dataset.recordApi + "/notes", {body: text.value});
      $(".form-message", noteForm).textContent = r.ok ? "" : ((r.data && r.data.error && r.data.error.message) || i18n.error);
      if (r.ok) { text.value = ""; loadNotes(); }
    });
    const upload = $("#attachment-form");
    if (upload) upload.addEventListener("submit", e => {
      e.preventDefault();
      const file = $("input[type=file]", upload).files[0];
      if (!file) return;
      const data = new FormData();
      data.append("file", file);
      const xhr = new XMLHttpRequest();
      const bar = $(".progress > div", upload), message = $(".form-message", upload);
      xhr.upload.addEventListener("progress", ev => { if (ev.lengthComputable) bar.style.width = (100 * ev.loaded / ev.total) + "%"; });
      xhr.addEventListener("load", () => {
        let body = null; try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        message.textContent = xhr.status < 300 ? i18n.uploaded : ((body && body.error && body.error.message) || i18n.error);
        if (xhr.status < 300) { upload.reset(); loadAttachments(); }
      });
      message.textContent = i18n.uploading;
      xhr.open("POST", recordApi.dataset.recordApi + "/attachments");
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.send(data);
    });
  }

  /* charts (Chart.js, served by the app) */
  if (window.Chart) {
    $$("canvas[data-chart]").forEach(canvas => {
      const config = JSON.parse(canvas.dataset.chart);
      config.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false,
                                      scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}, config.options || {});
      new window.Chart(canvas, config);
    });
  }

  /* picklist editor: drag rows to reorder */
  $$("tbody[data-sortable]").forEach(tbody => {
    let dragged = null;
    $$("tr", tbody).forEach(row => {
      row.draggable = true;
      row.addEventListener("dragstart", () => { dragged = row; row.classList.add("dragging"); });
      row.addEventListener("dragend", () => { row.classList.remove("dragging"); dragged = null; });
      row.addEventListener("dragover", e => {
        e.preventDefault();
        if (!dragged || dragged === row) return;
        const after = e.offsetY > row.offsetHeight / 2;
        tbody.insertBefore(dragged, after ? row.nextSibling : row);
      });
    });
    $$("[data-move]", tbody).forEach(btn => btn.addEventListener("click", () => {
      const row = btn.closest("tr");
      if (btn.dataset.move === "up" && row.previousElementSibling) tbody.insertBefore(row, row.previousElementSibling);
      if (btn.dataset.move === "down" && row.nextElementSibling) tbody.insertBefore(row.nextElementSibling, row);
    }));
  });
})();
