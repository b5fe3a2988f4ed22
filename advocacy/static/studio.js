// The studio's live preview: the lesson text goes to the server's renderer (the one learners'
// pages use) a moment after typing stops. Without this file the Preview button does the same.
"use strict";
(function () {
  var out = document.getElementById("lesson-preview");
  var body = document.querySelector("textarea[name=body]");
  if (!out || !body) { return; }
  var form = body.form, timer = null;
  var send = function () {
    var data = new FormData();
    data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    data.append("body", body.value);
    fetch(out.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null) {
          out.innerHTML = html;
          var hint = document.getElementById("preview-hint");
          if (hint) { hint.hidden = true; }
        }
      });
  };
  body.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(send, 400); });
  send();
})();
