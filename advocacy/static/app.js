// Advocacy: small enhancements only. Every page works without this file.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

/* == quizzes == */
// A countdown beside the server's deadline, and one submission per tap. The server decides both.
(function () {
  var box = document.querySelector("[data-deadline]");
  var out = box && box.querySelector(".quiz-countdown");
  if (out) {
    var deadline = Date.parse(box.getAttribute("data-deadline"));
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left > 0) { window.setTimeout(tick, 1000); }
    };
    tick();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-quiz-form")) { return; }
    if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
  });
})();

/* == feed == */
// Sharing: copy the caption before LinkedIn or Facebook opens, and offer the phone's share sheet.
// The server still records every share (a POST) before the browser goes on to the network.
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }
  function say(card, key) {
    var out = card && card.querySelector("[data-share-status]");
    if (out) { out.textContent = out.getAttribute("data-" + key) || ""; }
  }
  var nativeButtons = document.querySelectorAll("[data-share-native]");
  for (var i = 0; i < nativeButtons.length; i++) { nativeButtons[i].hidden = !navigator.share; }
  var copyButtons = document.querySelectorAll("[data-copy-from]");
  for (var j = 0; j < copyButtons.length; j++) { copyButtons[j].hidden = false; }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-share-copy]");
    var card = link && link.closest("[data-share-card]");
    var form = card && card.querySelector("form[data-share-go]");
    if (!form) { return; }
    event.preventDefault();
    copyText(link.getAttribute("data-share-copy")).then(function () { say(card, "copied"); },
                                                        function () { say(card, "failed"); });
    // Submitted at once, inside the tap: a new tab opened later would meet the popup blocker.
    form.action = link.getAttribute("data-share-post");
    form.submit();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-share-native]");
    if (!button || !navigator.share) { return; }
    var card = button.closest("[data-share-card]");
    if (button.shareData) {  // a second tap, after the browser wanted a fresh gesture
      var ready = button.shareData;
      button.shareData = null;
      navigator.share(ready).catch(function () {});
      return;
    }
    var token = card.querySelector("input[name=csrf_token]").value;
    fetch(button.getAttribute("data-share-native"), {
      method: "POST", credentials: "same-origin", headers: {"Accept": "application/json", "X-CSRFToken": token}
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      var payload = {title: data.title, text: data.text, url: data.url};
      return navigator.share(payload).catch(function (error) {
        if (error && error.name === "NotAllowedError") { button.shareData = payload; say(card, "again"); }
      });
    }).catch(function () { say(card, "failed"); });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    var source = button && document.getElementById(button.getAttribute("data-copy-from"));
    if (!source) { return; }
    source.select();
    copyText(source.value).then(function () { button.textContent = button.getAttribute("data-done") || button.textContent; },
                                function () {});
  });
})();

/* == people: an import applying in the background == */
// The page refreshes itself without JavaScript (<noscript> meta refresh); with it, it asks the
// status endpoint every second and updates the bar and the counts in place.
(function () {
  var box = document.querySelector("[data-import-run]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-run");
  var bar = box.querySelector("progress");
  var set = function (name, text) {
    var field = box.querySelector('[data-field="' + name + '"]');
    if (field) { field.textContent = text; }
  };
  var poll = function () {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (run) {
        bar.max = run.total || 1;
        bar.value = run.done;
        ["done", "created", "updated", "invited"].forEach(function (name) {
          set(name, run[name].toLocaleString(document.documentElement.lang));
        });
        if (run.finished) {
          window.location.reload();  // the server's page says how it ended, in the reader's language
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  };
  if (!box.hasAttribute("data-finished")) { window.setTimeout(poll, 1000); }
})();
