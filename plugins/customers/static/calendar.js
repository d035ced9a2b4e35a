// Activities calendar (FullCalendar): month / week / day views fed by the activities API, the page's
// quick filter (owner) passed along.  Dragging or resizing an activity PATCHes its start / end with its
// version, so the server applies the form's validation; when it refuses, the activity goes back and the
// message is shown.  The calendar shows the deployment's time zone (the page's data-time-zone, through
// FullCalendar's Luxon plugin), whatever the browser's: 10:00 in Seoul is 10:00 on every screen, and a drop
// at 14:00 means 14:00 there.
(function () {
  "use strict";
  const el = document.getElementById("activity-calendar");
  if (!el || typeof FullCalendar === "undefined") return;
  const texts = JSON.parse(document.getElementById("calendar-texts").textContent);
  const message = document.getElementById("calendar-message");
  const status = document.getElementById("calendar-status");
  const empty = document.getElementById("calendar-empty");
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const lang = document.documentElement.lang || "en";
  const locale = lang.indexOf("zh") === 0 ? "zh-cn" : (lang.indexOf("ko") === 0 ? "ko" : "en");
  const owner = new URLSearchParams(window.location.search);
  const detail = el.dataset.detailUrl.replace(/0$/, "");
  const PER_PAGE = 200;
  const timeZone = el.dataset.timeZone || "local";

  function show(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function api(path, options) {
    return fetch("/api/v1/activities" + path, Object.assign({credentials: "same-origin",
      headers: {"Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf}}, options));
  }

  function toEvent(a) {
    return {id: String(a.id), title: a.subject, start: a.start_at, end: a.end_at || null, allDay: !!a.all_day,
            url: detail + a.id, classNames: ["activity-" + (a.status || "planned")],
            extendedProps: {version: a.version}};
  }

  // Every activity starting inside the shown range, page after page (the list API's own filter and rights).
  async function load(info) {
    const events = [];
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({start_at__gte: info.startStr, start_at__lt: info.endStr, sort: "start_at",
                                         per_page: String(PER_PAGE), page: String(page),
                                         fields: "id,subject,start_at,end_at,all_day,status,version"});
      ["owner_id", "owner_id__in"].forEach(function (k) { if (owner.get(k)) query.set(k, owner.get(k)); });
      const response = await api("?" + query.toString());
      if (!response.ok) throw new Error(texts.failed);
      const body = await response.json();
      body.data.forEach(function (a) { events.push(toEvent(a)); });
      if (body.data.length < PER_PAGE) break;
    }
    empty.hidden = events.length > 0;
    return events;
  }

  async function reschedule(info) {
    const event = info.event;
    const body = {start_at: event.start.toISOString(), end_at: event.end ? event.end.toISOString() : null,
                  all_day: event.allDay, version: event.extendedProps.version};
    const response = await api("/" + event.id, {method: "PATCH", body: JSON.stringify(body)});
    const data = await response.json();
    if (!response.ok) {
      info.revert();
      const error = data.error || {};
      const fields = error.fields ? Object.values(error.fields).join(" ") : "";
      show([error.message || String(response.status), fields].filter(Boolean).join(" "));
      return;
    }
    event.setExtendedProp("version", data.version);
    show("");
    status.textContent = texts.moved.replace("{title}", event.title)
      .replace("{when}", event.start.toLocaleString(lang, timeZone === "local" ? {} : {timeZone: timeZone}));
  }

  const calendar = new FullCalendar.Calendar(el, {
    locale: locale,
    timeZone: timeZone,
    initialView: window.matchMedia("(max-width: 600px)").matches ? "timeGridDay" : "dayGridMonth",
    headerToolbar: {left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay"},
    height: "auto",
    nowIndicator: true,
    editable: el.dataset.canEdit === "true",
    eventStartEditable: el.dataset.canEdit === "true",
    eventDurationEditable: el.dataset.canEdit === "true",
    events: function (info, success, failure) {
      load(info).then(success, function (err) { show(err.message); failure(err); });
    },
    eventDrop: reschedule,
    eventResize: reschedule
  });
  calendar.render();
  window.PlugcrmCalendar = calendar;
})();
