/* The workflow designer: builds the definition from the form's rows and posts it as JSON (plain JavaScript).
   Operators follow the chosen field's type, value inputs follow the field (picklist values, dates, users,
   references with type-ahead); task forms come from each task type's declared parameters. */
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const read = id => JSON.parse(document.getElementById(id).textContent);
  const meta = read("designer-meta"), W = read("designer-words"), errors = read("designer-errors");
  const definition = read("designer-definition");
  const csrf = ($('meta[name="csrf-token"]') || {}).content || "";
  const form = $("#workflow-form"), entitySelect = $("#wf-entity");
  const NO_VALUE = ["is_empty", "is_not_empty", "is_today", "is_true", "is_false", "has_changed", "is_set"];
  const DAY_OPS = ["in_less_than_days", "in_more_than_days", "less_than_days_ago", "more_than_days_ago"];
  const EXPR = "__expr__";

  const entity = () => entitySelect.value;
  const fieldsOf = name => meta.fields[name || entity()] || [];
  const fieldOf = (name, ent) => fieldsOf(ent).find(f => f.name === name);

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(c => c && node.appendChild(typeof c === "string" ? document.createTextNode(c) : c));
    return node;
  }
  function select(cls, options, selected, attrs) {
    const s = el("select", Object.assign({class: cls}, attrs || {}));
    options.forEach(([value, text]) => {
      const o = el("option", {value: value, text: text});
      if (Array.isArray(selected) ? selected.map(String).includes(String(value)) : String(value) === String(selected)) o.selected = true;
      s.appendChild(o);
    });
    return s;
  }
  const removeButton = row => { const b = el("button", {type: "button", class: "remove", title: W.remove, text: "✕"});
    b.addEventListener("click", () => { row.remove(); refreshPaths(); }); return b; };

  /* --- type-ahead over the reference lookup (the same endpoint as record forms) --- */
  function typeahead(target, id, title, onPick) {
    const box = el("span", {class: "ref-picker"});
    const text = el("input", {type: "text", class: "ref-text", autocomplete: "off", value: title || (id ? "#" + id : "")});
    const hidden = el("input", {type: "hidden", class: "ref-id", value: id || ""});
    const results = el("div", {class: "ref-results", hidden: true});
    box.append(text, hidden, results);
    attachLookup(() => target(), text, hidden, results, onPick);
    return box;
  }
  function attachLookup(targetOf, text, hidden, results, onPick) {
    let timer = null;
    text.addEventListener("input", () => {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const url = meta.lookup_url.replace("__entity__", encodeURIComponent(targetOf())) + "?q=" + encodeURIComponent(text.value);
        const response = await fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
        const rows = response.ok ? ((await response.json()).data || []) : [];
        results.innerHTML = "";
        if (!rows.length) results.appendChild(el("div", {class: "muted", text: W.no_results}));
        rows.forEach(row => {
          const b = el("button", {type: "button", text: row.title + (row.number ? ` (${row.number})` : "")});
          b.addEventListener("mousedown", e => { e.preventDefault(); hidden.value = row.id; text.value = row.title; results.hidden = true; if (onPick) onPick(row); });
          results.appendChild(b);
        });
        results.hidden = false;
      }, 200);
    });
    text.addEventListener("blur", () => setTimeout(() => { results.hidden = true; }, 200));
  }

  /* --- a value input that follows the field (and operator) --- */
  function valueInput(field, op, value) {
    const box = el("span", {class: "value-input"});
    if (!op || NO_VALUE.includes(op)) return box;
    if (value && typeof value === "object" && !Array.isArray(value) && value.expr !== undefined) {
      box.appendChild(exprInput(value.expr, "value-expr"));
      return box;
    }
    if (DAY_OPS.includes(op)) { box.appendChild(el("input", {type: "number", min: "0", class: "v", value: value ?? "", "data-kind": "int"})); return box; }
    const type = field ? field.type : "text";
    if (op === "between") {
      const [a, b] = Array.isArray(value) ? value : ["", ""];
      box.append(el("input", {type: "date", class: "v", value: a}), ` ${W.and} `, el("input", {type: "date", class: "v2", value: b}));
      return box;
    }
    if ((type === "picklist" || type === "multipicklist") && field.values && field.values.length) {
      const multiple = op === "in";
      box.appendChild(select("v", (multiple ? [] : [["", W.choose]]).concat(field.values), value ?? "", {multiple: multiple, "data-kind": multiple ? "list" : "text"}));
      return box;
    }
    if (type === "user") { box.appendChild(select("v", [["", W.choose]].concat(meta.users), value ?? "", {"data-kind": "int"})); return box; }
    if (type === "reference") { const picker = typeahead(() => field.target, value, null); picker.dataset.kind = "ref"; box.appendChild(picker); return box; }
    if (type === "date" || type === "datetime") { box.appendChild(el("input", {type: "date", class: "v", value: value ?? ""})); return box; }
    if (type === "boolean") { box.appendChild(select("v", [["true", W.yes], ["false", W.no]], String(value ?? "true"), {"data-kind": "bool"})); return box; }
    const numeric = ["integer", "decimal", "money", "percent"].includes(type);
    box.appendChild(el("input", {type: "text", class: "v", value: value ?? "", inputmode: numeric ? "decimal" : null}));
    return box;
  }
  function readValue(box) {
    const picker = $(".ref-picker", box);
    if (picker) { const id = $(".ref-id", picker).value; return id ? Number(id) : ""; }
    const expr = $(".value-expr", box);
    if (expr) return {expr: $("input", expr).value};
    const v = $(".v", box);
    if (!v) return undefined;
    const v2 = $(".v2", box);
    if (v2) return [v.value, v2.value];
    if (v.dataset.kind === "list") return Array.from(v.selectedOptions).map(o => o.value);
    if (v.dataset.kind === "int") return v.value === "" ? "" : Number(v.value);
    if (v.dataset.kind === "bool") return v.value === "true";
    return v.value;
  }

  /* --- an expression input with field/function pickers and validation as you type --- */
  function exprInput(source, cls) {
    const box = el("span", {class: "expr-input " + (cls || "")});
    const input = el("input", {type: "text", class: "expr", value: source || "", placeholder: W.expression_hint, spellcheck: "false"});
    const fieldPick = select("insert-field", [["", W.insert_field]].concat(fieldsOf().map(f => [f.name, f.label])), "");
    const fnPick = select("insert-function", [["", W.insert_function]].concat(meta.functions.map(f => [f, f + "()"])), "");
    const status = el("small", {class: "expr-status"});
    const insert = text => { const at = input.selectionStart ?? input.value.length;
      input.value = input.value.slice(0, at) + text + input.value.slice(input.selectionEnd ?? at); input.focus(); check(); };
    fieldPick.addEventListener("change", () => { if (fieldPick.value) insert(fieldPick.value); fieldPick.value = ""; });
    fnPick.addEventListener("change", () => { if (fnPick.value) insert(fnPick.value + "()"); fnPick.value = ""; });
    let timer = null;
    async function check() {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (!input.value.trim()) { status.textContent = ""; return; }
        const response = await fetch(meta.expression_url, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
          body: JSON.stringify({entity: entity(), source: input.value})});
        const result = response.ok ? await response.json() : {ok: false, error: ""};
        status.textContent = result.ok ? "✓ " + W.valid : "✗ " + result.error;
        status.className = "expr-status " + (result.ok ? "ok" : "field-error");
      }, 300);
    }
    input.addEventListener("input", check);
    box.append(input, fieldPick, fnPick, status);
    return box;
  }

  /* --- conditions --- */
  function conditionRow(group, c) {
    c = c || {};
    const row = el("div", {class: "condition-row"});
    const isExpr = c.expr !== undefined || (c.field && !fieldOf(c.field) && String(c.field).includes("("));
    const fieldSel = select("cond-field", [["", W.choose]].concat(fieldsOf().map(f => [f.name, f.label]), [[EXPR, W.expression]]),
      isExpr ? EXPR : (c.field || ""), {"aria-label": W.field});
    const exprBox = el("span", {class: "cond-expr-box"});
    const opBox = el("span", {class: "cond-op-box"}), valueBox = el("span", {class: "cond-value-box"});
    function refresh(keepOp, keepValue) {
      exprBox.innerHTML = "";
      let ops;
      const field = fieldOf(fieldSel.value);
      if (fieldSel.value === EXPR) {
        exprBox.appendChild(exprInput(c.expr ?? c.field ?? "", "cond-expr"));
        ops = [""].concat(meta.expression_ops.any, ["has_changed", "changed_to", "changed_from"]);
      } else ops = field ? field.ops : [];
      const current = keepOp !== undefined ? keepOp : ops[0];
      opBox.innerHTML = "";
      const opSel = select("cond-op", ops.map(op => [op, op ? meta.operators[op] || op : meta.operators.is_true]), current, {"aria-label": W.operator});
      opSel.addEventListener("change", () => { valueBox.innerHTML = ""; valueBox.appendChild(valueInput(field, opSel.value, undefined)); });
      opBox.appendChild(opSel);
      valueBox.innerHTML = "";
      valueBox.appendChild(valueInput(field, opSel.value, keepValue));
    }
    fieldSel.addEventListener("change", () => { c = {}; refresh(); });
    row.append(fieldSel, exprBox, opBox, valueBox, removeButton(row));
    refresh(isExpr ? (c.op || "") : c.op, c.value);
    row.read = () => {
      const op = $(".cond-op", row) ? $(".cond-op", row).value : "";
      const out = {};
      if (fieldSel.value === EXPR) out.expr = $(".cond-expr input.expr", row).value; else out.field = fieldSel.value;
      if (op) out.op = op;
      const value = readValue(valueBox);
      if (value !== undefined && !NO_VALUE.includes(op)) out.value = value;
      return out;
    };
    return row;
  }

  /* --- tasks --- */
  function assignmentRow(item, targetEntity) {
    item = item || {};
    const row = el("div", {class: "assignment-row"});
    const writable = fieldsOf(targetEntity).filter(f => f.writable);
    const fieldSel = select("assign-field", [["", W.choose]].concat(writable.map(f => [f.name, f.label])), item.field || "", {"aria-label": W.set_field});
    const mode = "expr" in item ? "expr" : ("field_from" in item ? "field" : "value");
    const modeSel = select("assign-mode", [["value", W.mode_value], ["field", W.mode_field], ["expr", W.mode_expr]], mode);
    const box = el("span", {class: "assign-input"});
    function refresh(value) {
      box.innerHTML = "";
      const field = fieldOf(fieldSel.value, targetEntity);
      if (modeSel.value === "expr") box.appendChild(exprInput(value ?? "", "assign-expr"));
      else if (modeSel.value === "field") box.appendChild(select("v", [["", W.choose]].concat(fieldsOf().map(f => [f.name, f.label])), value ?? ""));
      else box.appendChild(valueInput(field, "is", value));
    }
    fieldSel.addEventListener("change", () => refresh());
    modeSel.addEventListener("change", () => refresh());
    refresh(item.expr ?? item.field_from ?? item.value);
    row.append(fieldSel, modeSel, box, removeButton(row));
    row.read = () => {
      const out = {field: fieldSel.value};
      if (modeSel.value === "expr") out.expr = $("input.expr", box).value;
      else if (modeSel.value === "field") out.field_from = $(".v", box).value;
      else out.value = readValue($(".value-input", box));
      return out;
    };
    return row;
  }
  function assignments(items, targetOf) {
    const box = el("div", {class: "assignments"});
    const list = el("div", {class: "assignment-list"});
    (items && items.length ? items : [{}]).forEach(item => list.appendChild(assignmentRow(item, targetOf())));
    const add = el("button", {type: "button", class: "add-assignment", text: W.add_field});
    add.addEventListener("click", () => list.appendChild(assignmentRow({}, targetOf())));
    box.append(list, add);
    box.read = () => $$(".assignment-row", list).map(r => r.read());
    box.reset = () => { list.innerHTML = ""; list.appendChild(assignmentRow({}, targetOf())); };
    return box;
  }
  function mergePicker(target) {
    const options = [["", W.insert_merge]].concat(fieldsOf().map(f => [`{{ record.${f.name} }}`, f.label]),
      [["{{ owner.name }}", W.owner], ["{{ today }}", "today"]]);
    const pick = select("insert-merge", options, "");
    pick.addEventListener("change", () => {
      if (!pick.value) return;
      const at = target.selectionStart ?? target.value.length;
      target.value = target.value.slice(0, at) + pick.value + target.value.slice(target.selectionEnd ?? at);
      pick.value = ""; target.focus();
    });
    return pick;
  }
  const labelled = (text, control) => el("label", {class: "param"}, [el("span", {text: text}), control]);

  function emailForm(task) {
    const r = task.recipients || {};
    const box = el("div", {class: "email-form"});
    const owner = el("input", {type: "checkbox", class: "rcpt-owner"}); owner.checked = !!r.owner;
    const superior = el("input", {type: "checkbox", class: "rcpt-superior"}); superior.checked = !!r.owner_superior;
    const users = select("rcpt-users", meta.users, r.users || [], {multiple: true});
    const roles = select("rcpt-roles", meta.roles, r.roles || [], {multiple: true});
    const emailFields = fieldsOf().filter(f => f.type === "email");
    const fieldsSel = select("rcpt-fields", emailFields.map(f => [f.name, f.label]), r.fields || [], {multiple: true});
    const addresses = el("input", {type: "text", class: "rcpt-addresses", value: (r.addresses || []).join(", ")});
    const subject = el("input", {type: "text", class: "mail-subject", value: task.subject || ""});
    const body = el("textarea", {class: "mail-body", rows: "6"}); body.value = task.body || "";
    [el("label", {class: "checkline"}, [owner, " " + W.owner]), el("label", {class: "checkline"}, [superior, " " + W.owner_superior]),
      labelled(W.users, users), labelled(W.roles, roles), emailFields.length ? labelled(W.email_fields, fieldsSel) : null,
      labelled(W.addresses, addresses), labelled(W.subject, subject), mergePicker(subject), labelled(W.body, body), mergePicker(body)]
      .forEach(node => node && box.appendChild(node));
    box.read = () => {
      const recipients = {};
      if (owner.checked) recipients.owner = true;
      if (superior.checked) recipients.owner_superior = true;
      const ids = Array.from(users.selectedOptions).map(o => Number(o.value));
      if (ids.length) recipients.users = ids;
      const roleNames = Array.from(roles.selectedOptions).map(o => o.value);
      if (roleNames.length) recipients.roles = roleNames;
      const fieldNames = Array.from(fieldsSel.selectedOptions).map(o => o.value);
      if (fieldNames.length) recipients.fields = fieldNames;
      const list = addresses.value.split(/[,;\s]+/).filter(Boolean);
      if (list.length) recipients.addresses = list;
      return {recipients, subject: subject.value, body: body.value};
    };
    return box;
  }
  function paramsForm(type, task) {
    const box = el("div", {class: "params-form"});
    const readers = [];
    (type.params || []).forEach(p => {
      let control, get;
      const value = task[p.name];
      if (p.kind === "boolean") { control = el("input", {type: "checkbox"}); control.checked = !!value; get = () => control.checked; }
      else if (p.kind === "choice") { control = select("", [["", W.choose]].concat(p.choices), value ?? ""); get = () => control.value; }
      else if (p.kind === "field") { control = select("", [["", W.choose]].concat(fieldsOf().map(f => [f.name, f.label])), value ?? ""); get = () => control.value; }
      else if (p.kind === "number") { control = el("input", {type: "number", value: value ?? ""}); get = () => control.value === "" ? null : Number(control.value); }
      else if (p.kind === "expression") { control = exprInput(value, ""); get = () => $("input.expr", control).value; }
      else if (p.kind === "longtext" || p.kind === "template") { control = el("textarea", {rows: "4"}); control.value = value ?? ""; get = () => control.value; }
      else { control = el("input", {type: "text", value: value ?? ""}); get = () => control.value; }
      control.setAttribute("data-param", p.name);
      const field = el("div", {class: "form-field", "data-param-field": p.name}, [
        el("label", {}, [p.label, p.required ? el("span", {class: "required-mark", text: "*"}) : null]), control,
        p.kind === "template" ? mergePicker(control) : null, p.help ? el("small", {class: "muted", text: p.help}) : null]);
      box.appendChild(field);
      readers.push(out => { const v = get(); if (v !== null && v !== "") out[p.name] = v; });
    });
    box.read = () => { const out = {}; readers.forEach(r => r(out)); return out; };
    return box;
  }
  function taskBox(task) {
    const type = meta.task_types[task.type] || {label: task.type, params: []};
    const box = el("div", {class: "task card", "data-type": task.type});
    const title = el("input", {type: "text", class: "task-title", value: task.title || "", placeholder: type.label, "aria-label": W.title});
    const up = el("button", {type: "button", title: W.up, text: "↑"}), down = el("button", {type: "button", title: W.down, text: "↓"});
    up.addEventListener("click", () => { if (box.previousElementSibling) box.parentNode.insertBefore(box, box.previousElementSibling); refreshPaths(); });
    down.addEventListener("click", () => { if (box.nextElementSibling) box.parentNode.insertBefore(box.nextElementSibling, box); refreshPaths(); });
    box.appendChild(el("div", {class: "task-head"}, [el("strong", {class: "task-type", text: type.label}), title, up, down, removeButton(box)]));
    let body;
    if (task.type === "update_fields") {
      const fields = assignments(task.fields, () => entity());
      body = el("div", {}, [fields]);
      body.read = () => ({fields: fields.read()});
    }
    else if (task.type === "send_email") body = emailForm(task);
    else if (task.type === "create_record") {
      const target = select("target-entity", Object.entries(meta.entities), task.entity || Object.keys(meta.entities)[0]);
      const fields = assignments(task.fields, () => target.value);
      target.addEventListener("change", () => fields.reset());
      body = el("div", {}, [labelled(W.target_entity, target), fields]);
      body.read = () => ({entity: target.value, fields: fields.read()});
    } else body = paramsForm(type, task);
    box.appendChild(body);
    const delay = task.delay || {};
    const days = el("input", {type: "number", min: "0", class: "delay-days", value: delay.days ?? ""});
    const dateFields = fieldsOf().filter(f => f.type === "date" || f.type === "datetime");
    const after = select("delay-after", [["", W.now]].concat(dateFields.map(f => [f.name, f.label])), delay.after_field || "");
    box.appendChild(el("div", {class: "delay"}, [labelled(W.delay, days), labelled(W.after_field, after)]));
    box.read = () => {
      const keep = Object.assign({}, task);
      ["fields", "recipients", "subject", "body", "entity", "delay"].forEach(k => delete keep[k]);
      (type.params || []).forEach(p => delete keep[p.name]);
      const out = Object.assign(keep, {type: task.type, title: title.value}, body.read());
      if (days.value !== "" && Number(days.value) > 0 || after.value) {
        out.delay = {days: Number(days.value || 0)};
        if (after.value) out.delay.after_field = after.value;
      }
      return out;
    };
    return box;
  }

  /* --- trigger schedule --- */
  const scheduleBox = $("#wf-schedule"), triggerSelect = $("#wf-trigger");
  function renderSchedule(schedule) {
    schedule = schedule || {every: "daily", time: "09:00"};
    scheduleBox.innerHTML = "";
    const every = select("sch-every", Object.entries(meta.schedules), schedule.every);
    const parts = el("span", {class: "sch-parts"});
    function refresh() {
      parts.innerHTML = "";
      const kind = every.value;
      if (kind === "hourly") parts.appendChild(labelled(W.minute, el("input", {type: "number", min: "0", max: "59", class: "sch-minute", value: schedule.minute ?? 0})));
      else if (kind === "date") parts.appendChild(labelled(W.at, el("input", {type: "datetime-local", class: "sch-at", value: schedule.at || ""})));
      else parts.appendChild(labelled(W.time, el("input", {type: "time", class: "sch-time", value: schedule.time || "09:00"})));
      if (kind === "weekly") Object.entries(meta.days).forEach(([day, text]) => {
        const box = el("input", {type: "checkbox", class: "sch-day", value: day}); box.checked = (schedule.days || ["mon"]).includes(day);
        parts.appendChild(el("label", {class: "checkline"}, [box, " " + text]));
      });
      if (kind === "monthly") parts.appendChild(labelled(W.day, el("input", {type: "number", min: "1", max: "31", class: "sch-day-of-month", value: schedule.day ?? 1})));
    }
    every.addEventListener("change", refresh);
    scheduleBox.append(labelled(W.every, every), parts);
    refresh();
  }
  function readSchedule() {
    const every = $(".sch-every", scheduleBox).value, out = {every};
    if (every === "hourly") out.minute = Number($(".sch-minute", scheduleBox).value || 0);
    else if (every === "date") out.at = $(".sch-at", scheduleBox).value;
    else out.time = $(".sch-time", scheduleBox).value;
    if (every === "weekly") out.days = $$(".sch-day", scheduleBox).filter(b => b.checked).map(b => b.value);
    if (every === "monthly") out.day = Number($(".sch-day-of-month", scheduleBox).value || 1);
    return out;
  }
  function showSchedule() { scheduleBox.hidden = triggerSelect.value !== "scheduled"; }
  triggerSelect.addEventListener("change", showSchedule);

  /* --- building, reading, errors --- */
  const groups = {all: $("#conditions-all"), any: $("#conditions-any")}, tasks = $("#tasks");
  function render(def) {
    Object.entries(groups).forEach(([name, box]) => { box.innerHTML = ""; ((def.conditions || {})[name] || []).forEach(c => box.appendChild(conditionRow(name, c))); });
    tasks.innerHTML = "";
    (def.tasks || []).forEach(t => tasks.appendChild(taskBox(t)));
    renderSchedule((def.trigger || {}).schedule);
    showSchedule();
    refreshPaths();
  }
  function refreshPaths() {
    Object.entries(groups).forEach(([name, box]) => $$(".condition-row", box).forEach((row, i) => { row.dataset.path = `conditions.${name}[${i}]`; }));
    $$(".task", tasks).forEach((box, i) => { box.dataset.path = `tasks[${i}]`; });
    $("#tasks-empty").hidden = $$(".task", tasks).length > 0;
  }
  function collect() {
    const trigger = Object.assign({}, definition.trigger || {}, {type: triggerSelect.value});
    if (trigger.type === "scheduled") trigger.schedule = readSchedule(); else delete trigger.schedule;
    return {
      name: $("#wf-name").value, entity: entity(), description: $("#wf-description").value,
      active: $("#wf-active").checked, log_all: !!definition.log_all, trigger,
      conditions: {all: $$(".condition-row", groups.all).map(r => r.read()), any: $$(".condition-row", groups.any).map(r => r.read())},
      tasks: $$(".task", tasks).map(b => b.read()),
    };
  }
  function showErrors() {
    Object.entries(errors).forEach(([path, message]) => {
      const owners = $$("[data-path]").filter(n => path === n.dataset.path || path.startsWith(n.dataset.path + ".") || path.startsWith(n.dataset.path + "["));
      const owner = owners.sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0]
        || {name: $("#wf-name"), entity: entitySelect}[path.split(".")[0]]?.parentNode || ($("#wf-trigger").parentNode);
      if (owner) owner.appendChild(el("div", {class: "field-error", text: message, "data-error-for": path}));
    });
  }

  $$("[data-add-condition]").forEach(b => b.addEventListener("click", () => {
    groups[b.dataset.addCondition].appendChild(conditionRow(b.dataset.addCondition, {})); refreshPaths();
  }));
  $("#add-task").addEventListener("click", () => {
    const type = $("#add-task-type").value;
    const task = type === "send_email" ? {type, recipients: {owner: true}} : {type};
    tasks.appendChild(taskBox(task)); refreshPaths();
  });
  entitySelect.addEventListener("change", () => { render(Object.assign(collect(), {conditions: {}, tasks: []})); });

  /* the dry run's record (type-ahead) and "as if changed" values */
  const testText = $("#test-record-text"), testId = $("#test-record-id");
  attachLookup(entity, testText, testId, $("#test-record-picker .ref-results"));
  const changeRows = $("#test-changes-rows");
  function changeRow(name, value) {
    const row = el("div", {class: "change-row"});
    const fieldSel = select("change-field", [["", W.choose]].concat(fieldsOf().filter(f => f.writable).map(f => [f.name, f.label])), name || "");
    const box = el("span", {});
    const refresh = v => { box.innerHTML = ""; box.appendChild(valueInput(fieldOf(fieldSel.value), "is", v)); };
    fieldSel.addEventListener("change", () => refresh());
    refresh(value);
    row.append(fieldSel, box, removeButton(row));
    row.read = () => [fieldSel.value, readValue($(".value-input", box))];
    return row;
  }
  $("#add-test-change").addEventListener("click", () => changeRows.appendChild(changeRow()));
  let earlier = {};
  try { earlier = JSON.parse(read("designer-test-changes") || "{}") || {}; } catch (err) { earlier = {}; }
  Object.entries(earlier).forEach(([k, v]) => changeRows.appendChild(changeRow(k, v)));

  form.addEventListener("submit", () => {
    $("#definition").value = JSON.stringify(collect());
    const changes = {};
    $$(".change-row", changeRows).forEach(r => { const [k, v] = r.read(); if (k) changes[k] = v; });
    $("#test-changes").value = Object.keys(changes).length ? JSON.stringify(changes) : "";
  });

  render(definition);
  showErrors();
})();
