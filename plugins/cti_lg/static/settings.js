/* CTI settings (API사용자등록): lines, extensions and the ring callback through /api/v1/cti_lg/lines. */
(function () {
  "use strict";
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const API = "/api/v1/cti_lg/lines";
  const T = JSON.parse(document.getElementById("cti-texts").textContent);
  const box = document.getElementById("cti-lines");
  const message = document.getElementById("cti-message");

  function say(text, kind) {
    message.hidden = false;
    message.className = "flash flash-" + (kind || "info");
    message.textContent = text;
  }

  async function call(method, url, body) {
    const res = await fetch(url, {method, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
      headers: {"X-CSRFToken": csrf, "Accept": "application/json", "Content-Type": "application/json"}});
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = data.error || data;
      const fields = err.fields ? " " + Object.values(err.fields).join(" ") : "";
      throw new Error((err.message || res.statusText) + fields);
    }
    return data;
  }

  function formData(form) { return Object.fromEntries(new FormData(form).entries()); }

  function render(lines) {
    box.textContent = "";
    const empty = document.getElementById("cti-empty");
    if (empty) empty.hidden = lines.length > 0;
    lines.forEach(line => {
      const node = document.getElementById("cti-line-template").content.firstElementChild.cloneNode(true);
      node.dataset.line = line.id;
      node.querySelector(".cti-line-title").textContent = `${line.number} ${line.label} (${line.active ? T.active : T.inactive})`;
      const status = [line.callback_registered ? `${T.registered} ${line.callback_url}` : T.not_registered];
      if (line.last_error) status.push(`${T.last_error} ${line.last_error}`);
      node.querySelector(".cti-line-status").textContent = status.join(" · ");
      node.querySelector('[data-action="ring"]').hidden = !line.demo;
      const tbody = node.querySelector(".cti-extensions tbody");
      line.extensions.forEach(ext => {
        const row = document.createElement("tr");
        const remove = document.createElement("button");
        remove.type = "button"; remove.textContent = T.remove;
        remove.addEventListener("click", () => act(() => call("PUT", `${API}/${line.id}/extensions/${ext.inner_num}`, {user_id: null})));
        [ext.inner_num, ext.user_name].forEach(text => { const td = document.createElement("td"); td.textContent = text; row.append(td); });
        const td = document.createElement("td"); td.append(remove); row.append(td);
        tbody.append(row);
      });
      node.querySelector('[data-action="test"]').addEventListener("click", () => act(() => call("POST", `${API}/${line.id}/test`)));
      node.querySelector('[data-action="unregister"]').addEventListener("click", () => act(() => call("DELETE", `${API}/${line.id}/callback`), T.unregistered));
      node.querySelector('[data-action="ring"]').addEventListener("click", () => act(() => call("POST", `${API}/${line.id}/ring`)));
      node.querySelector(".cti-callback").addEventListener("submit", ev => {
        ev.preventDefault();
        const data = formData(ev.target);
        act(() => call("POST", `${API}/${line.id}/callback`, {host: data.host, port: Number(data.port) || 0}));
      });
      node.querySelector(".cti-extension").addEventListener("submit", ev => {
        ev.preventDefault();
        const data = formData(ev.target);
        act(() => call("PUT", `${API}/${line.id}/extensions/${encodeURIComponent(data.inner_num || "-")}`, {user_id: Number(data.user_id)}), T.saved);
      });
      box.append(node);
    });
  }

  async function act(run, done) {
    try {
      const result = await run();
      say(result.url ? `${T.registered} ${result.url}` : (result.message || done || T.saved), "success");
    } catch (err) {
      say(err.message, "error");
    }
    load();
  }

  async function load() {
    try { render(await call("GET", API)); } catch (err) { say(err.message, "error"); }
  }

  document.getElementById("cti-new-line").addEventListener("submit", ev => {
    ev.preventDefault();
    const data = formData(ev.target);
    act(() => call("POST", API, data).then(r => { ev.target.reset(); return r; }));
  });
  load();
})();
