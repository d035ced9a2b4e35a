/* The incoming-call popup: Server-Sent Events from /cti_lg/stream, polling /api/v1/cti_lg/events when they fail.
   Loaded on every page (crm_page_scripts); a user without an extension gets 204 and nothing more happens. */
(function () {
  "use strict";
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const API = "/api/v1/cti_lg";
  const POLL_MS = 5000;
  let T = null, lastId = null, failures = 0, source = null, polling = false;
  const shown = new Set();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v; else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
    });
    children.flat().forEach(c => c && node.append(c));
    return node;
  }

  async function call(method, url, body) {
    const opts = {method, credentials: "same-origin",
                  headers: {"X-CSRFToken": csrf, "Accept": "application/json", "Content-Type": "application/json"}};
    if (body !== undefined) opts.body = JSON.stringify(body);
    const res = await fetch(url, opts);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw data.error || {message: T.error};
    return data;
  }

  function options(select, pairs, chosen) {
    pairs.forEach(([value, label]) => select.append(el("option", {value, selected: value === chosen}, label)));
    return select;
  }

  function show(p) {
    if (shown.has(p.event_id)) return;
    shown.add(p.event_id);
    lastId = Math.max(lastId || 0, p.event_id);
    const box = el("section", {class: "cti-popup", role: "dialog", "aria-label": T.incoming, "data-call": p.call_id,
                               id: "cti-popup-" + p.call_id});
    const close = el("button", {type: "button", class: "cti-close", "aria-label": T.close, text: "×"});
    close.addEventListener("click", () => box.remove());
    box.append(el("header", {}, el("strong", {text: T.incoming}), " ",
                  el("span", {class: "cti-caller", text: p.caller}), close));
    if (p.matches.length) {
      const list = el("ul", {class: "cti-matches"});
      p.matches.forEach((m, i) => list.append(el("li", {},
        el("label", {}, el("input", {type: "radio", name: "cti-match-" + p.call_id, value: i, checked: i === 0}), " ",
           el("a", {href: `/records/${m.entity}/${m.id}`, text: m.name}),
           m.entity === "contacts" && m.account_name ? " · " + m.account_name : ""))));
      box.append(list);
    } else {
      box.append(el("p", {class: "cti-unknown", text: T.unknown}), linkForm(p));
    }
    if (p.open_receipts.length) {
      box.append(el("h4", {text: T.open_receipts}),
                 el("ul", {}, p.open_receipts.map(r => el("li", {}, el("a", {href: `/records/service_receipts/${r.id}`,
                   text: r.number}), " " + r.content))));
    }
    if (p.activities.length) {
      box.append(el("h4", {text: T.activities}),
                 el("ul", {}, p.activities.map(a => el("li", {}, el("a", {href: `/records/activities/${a.id}`,
                   text: a.subject})))));
    }
    box.append(receiptForm(p, box));
    let stack = document.getElementById("cti-popups");
    if (!stack) { stack = el("div", {id: "cti-popups", "aria-live": "assertive"}); document.body.append(stack); }
    stack.prepend(box);
  }

  function linkForm(p) {
    const form = el("form", {class: "cti-link"});
    const q = el("input", {type: "search", placeholder: T.search_customer, "aria-label": T.search_customer});
    const pick = el("select", {"aria-label": T.customer});
    const msg = el("span", {class: "cti-msg", role: "status"});
    q.addEventListener("change", async () => {
      pick.textContent = "";
      const found = await call("GET", "/api/v1/accounts?per_page=10&q=" + encodeURIComponent(q.value)).catch(() => ({data: []}));
      options(pick, (found.data || []).map(a => [String(a.id), a.name]));
    });
    form.append(q, pick, el("button", {type: "submit", text: T.link}),
                el("a", {href: "/records/accounts/new?phone=" + encodeURIComponent(p.caller), text: T.new_customer}), msg);
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      if (!pick.value) return;
      try {
        await call("POST", `${API}/calls/${p.call_id}/link`, {account_id: Number(pick.value)});
        msg.textContent = T.linked;
      } catch (err) { msg.textContent = err.message; }
    });
    return form;
  }

  function receiptForm(p, box) {
    const form = el("form", {class: "cti-receipt"});
    const category = options(el("select", {name: "category", "aria-label": T.category}), T.categories, "as");
    const status = options(el("select", {name: "status", "aria-label": T.status}), T.statuses, "open");
    const content = el("textarea", {name: "content", rows: 3, placeholder: T.content, "aria-label": T.content, required: true});
    const answer = el("textarea", {name: "answer", rows: 2, placeholder: T.answer, "aria-label": T.answer});
    const msg = el("p", {class: "cti-msg", role: "status"});
    form.append(el("h4", {text: T.new_receipt}), category, status, content, answer,
                el("button", {type: "submit", class: "primary", text: T.save}), msg);
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      const chosen = box.querySelector(`input[name="cti-match-${p.call_id}"]:checked`);
      const match = chosen ? p.matches[Number(chosen.value)] : null;
      const body = {category: category.value, status: status.value, content: content.value, answer: answer.value || null};
      if (match) { body.account_id = match.account_id || null; if (match.entity === "contacts") body.contact_id = match.id; }
      try {
        const rec = await call("POST", `${API}/calls/${p.call_id}/receipt`, body);
        msg.textContent = "";
        msg.append(T.saved + " ", el("a", {href: `/records/service_receipts/${rec.id}`, text: rec.number}));
        form.querySelector("button").disabled = true;
      } catch (err) {
        msg.textContent = err.message + (err.fields ? " " + Object.values(err.fields).join(" ") : "");
      }
    });
    return form;
  }

  async function poll() {
    polling = true;
    try {
      const data = await call("GET", `${API}/events` + (lastId === null ? "" : `?after=${lastId}`));
      if (lastId === null) lastId = data.last_id; else data.items.forEach(show);
    } catch (err) { /* try again at the next tick */ }
    setTimeout(poll, POLL_MS);
  }

  function listen() {
    if (!window.EventSource) { poll(); return; }
    let opened = false;
    source = new EventSource("/cti_lg/stream");
    source.addEventListener("open", () => { opened = true; failures = 0; document.documentElement.dataset.ctiStream = "open"; });
    source.addEventListener("ring", ev => show(JSON.parse(ev.data)));
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED && !opened) { source.close(); return; }  // 204: no extension
      failures += 1;
      if (failures >= 3 && !polling) { source.close(); poll(); }  // a proxy that buffers the stream: poll instead
    });
  }

  document.head.append(el("link", {rel: "stylesheet", href: "/cti_lg/static/popup.css"}));
  /* click-to-call: a phone link rings the agent's own phone first (Centrex clickdial); never retried */
  function toast(text, kind) {
    const note = el("div", {class: "cti-toast cti-toast-" + kind, role: "status", text});
    document.body.append(note);
    setTimeout(() => note.remove(), 8000);
  }

  function clickToCall() {
    document.addEventListener("click", async ev => {
      const link = ev.target.closest && ev.target.closest('a[href^="tel:"]');
      if (!link || ev.ctrlKey || ev.metaKey) return;
      ev.preventDefault();
      if (link.dataset.dialing) return;
      link.dataset.dialing = "1";
      try {
        const res = await fetch(`${API}/dial`, {method: "POST", credentials: "same-origin",
          headers: {"X-CSRFToken": csrf, "Accept": "application/json", "Content-Type": "application/json"},
          body: JSON.stringify({phone: decodeURIComponent(link.getAttribute("href").slice(4))})});
        const data = await res.json().catch(() => ({}));
        toast(data.message || (data.error && data.error.message) || T.error, res.ok ? "ok" : "error");
      } catch (err) {
        toast(T.error, "error");
      } finally {
        delete link.dataset.dialing;
      }
    });
  }

  fetch("/cti_lg/popup-texts", {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(res => res.status === 200 ? res.json() : null)
    .then(texts => { if (texts) { T = texts; listen(); clickToCall(); } })
    .catch(() => {});
})();
