/* plugcrm web form, script version: fetches a fresh token, sends the form without leaving the page.
   Embed: the plain HTML form followed by <script src=".../embed.js" data-form="FORM-ID" async></script>.
   Without JavaScript the plain form still works (the page then shows the answer). */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById(script.getAttribute("data-form"));
  if (!form) { return; }
  var action = form.getAttribute("action");
  var tokenUrl = action.split("?")[0] + "/token";
  fetch(tokenUrl, {credentials: "omit"}).then(function (r) { return r.json(); }).then(function (body) {
    if (body.token) { form.querySelector("input[name=_token]").value = body.token; }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    fetch(action, {method: "POST", body: data, credentials: "omit",
                   headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json().then(function (body) { return {status: r.status, body: body}; }); })
      .then(function (answer) {
        var box = form.querySelector(".webform-answer") || document.createElement("p");
        box.className = "webform-answer";
        if (answer.status === 201 && answer.body.redirect_url) { window.location.href = answer.body.redirect_url; return; }
        if (answer.status === 201) { form.replaceWith(Object.assign(box, {textContent: answer.body.message})); return; }
        var error = answer.body.error || {};
        var fields = error.fields || {};
        box.textContent = error.message + " " + Object.keys(fields).map(function (k) { return fields[k]; }).join(" ");
        form.appendChild(box);
      });
  });
})();
