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
