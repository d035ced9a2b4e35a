// SMS composer: a live byte counter (Korean carriers count CP949 bytes: Hangul 2, ASCII 1),
// the automatic SMS -> LMS switch at 90 bytes, a preview of how the text splits into 90-byte
// parts, and sending through the JSON API.  The server checks everything again.
(function () {
  "use strict";
  const form = document.getElementById("sms-composer");
  if (!form) return;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const limits = JSON.parse(form.dataset.limits);
  const texts = JSON.parse(form.dataset.texts);
  const prefill = JSON.parse(form.dataset.prefill || "{}");
  const $ = function (id) { return document.getElementById(id); };
  const body = $("sms-body"), subject = $("sms-subject"), signature = $("sms-signature");
  const counter = $("sms-counter"), message = $("sms-message");

  function charBytes(ch) { return ch.codePointAt(0) < 0x80 ? 1 : 2; }

  function fullText() {
    const sig = form.dataset.signature;
    return body.value + (signature.checked && sig ? "\n" + sig : "");
  }

  function split(text, limit) {
    const parts = [];
    let current = "", used = 0;
    for (const ch of text) {
      const width = charBytes(ch);
      if (current && used + width > limit) { parts.push(current); current = ""; used = 0; }
      current += ch; used += width;
    }
    if (current || !parts.length) parts.push(current);
    return parts;
  }

  function update() {
    const text = fullText();
    let bytes = 0;
    for (const ch of text) bytes += charBytes(ch);
    const lms = bytes > limits.sms || subject.value.trim() !== "";
    $("sms-kind").textContent = lms ? texts.lms : texts.sms;
    $("sms-bytes").textContent = String(bytes);
    $("sms-limit").textContent = String(lms ? limits.lms : limits.sms);
    counter.classList.toggle("lms", lms);
    counter.classList.toggle("over", bytes > limits.lms);
    counter.dataset.kind = lms ? "LMS" : "SMS";
    const list = $("sms-parts");
    list.replaceChildren();
    if (bytes > limits.sms) {
      split(text, limits.sms).forEach(function (part) {
        const item = document.createElement("li");
        item.textContent = part;
        list.appendChild(item);
      });
    }
  }

  function show(text, kind) {
    message.textContent = text;
    message.className = "flash flash-" + kind;
    message.hidden = !text;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return String(values[key]); });
  }

  async function send(test) {
    const numbers = $("sms-numbers").value.split(/[\n,;]+/).map(function (n) { return n.trim(); })
      .filter(Boolean);
    const when = $("sms-send-at").value;
    const filter = $("sms-filter");
    const payload = {
      contact_ids: prefill.contact_id || [], account_ids: prefill.account_id || [], numbers: numbers, group: $("sms-group").value || null,
      filter_id: filter && filter.value ? parseInt(filter.value, 10) : null,
      body: body.value, subject: subject.value, sender_id: parseInt($("sms-sender").value, 10),
      advertising: $("sms-advertising").checked, night_policy: $("sms-night").value,
      signature: signature.checked, send_at: when ? new Date(when).toISOString() : null, test: test
    };
    const response = await fetch("/api/v1/sms/messages", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(payload)
    });
    const data = await response.json();
    if (!response.ok) {
      const fields = data.error.fields ? Object.values(data.error.fields).join(" ") : "";
      show(data.error.message + (fields ? " " + fields : ""), "error");
      return;
    }
    show(format(texts.queued, {n: data.recipients}) + " " + format(texts.removed, {
      dup: data.removed_duplicate, opt: data.removed_optout, cons: data.removed_no_consent}), "success");
  }

  body.addEventListener("input", update);
  subject.addEventListener("input", update);
  signature.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); send(false); });
  $("sms-test").addEventListener("click", function () { send(true); });
  update();
}());
