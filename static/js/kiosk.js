// Kiosk hygiene: after a quiet spell ask "Still there?", then start over for the next person.
// The reset uses location.replace so the screen being left does not stay in the Back history.
(function () {
  "use strict";
  var body = document.body;
  var idleSeconds = parseInt(body.dataset.idleSeconds || "90", 10);
  var promptSeconds = parseInt(body.dataset.idlePromptSeconds || "15", 10);
  var resetUrl = body.dataset.resetUrl || "/reset";
  var dialog = document.getElementById("idle-dialog");
  var idleTimer = null;
  var resetTimer = null;

  function startOver() {
    window.location.replace(resetUrl);
  }

  function showPrompt() {
    if (dialog && typeof dialog.showModal === "function") {
      if (!dialog.open) { dialog.showModal(); }
      resetTimer = window.setTimeout(startOver, promptSeconds * 1000);
    } else {
      startOver();
    }
  }

  function activity() {
    window.clearTimeout(idleTimer);
    window.clearTimeout(resetTimer);
    if (dialog && dialog.open) { dialog.close(); }
    idleTimer = window.setTimeout(showPrompt, Math.max(idleSeconds - promptSeconds, 5) * 1000);
  }

  ["pointerdown", "keydown", "touchstart", "input", "wheel"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true, capture: true });
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-idle-stay]")) { activity(); }
    var exit = target instanceof Element ? target.closest("[data-start-over]") : null;
    if (exit) {
      // "Start over" and quick exit replace the current history entry instead of adding one.
      event.preventDefault();
      // Quick exit: blank the sensitive screen at once, before the start page has loaded.
      if (exit.hasAttribute("data-quick-exit")) { body.classList.add("quick-exiting"); }
      startOver();
    }
  });
  // Coming back to this page through the Back/forward cache must not show an old screen.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  // A confirmation screen goes back to the start by itself after a few seconds.
  var autoReturnTimer = null;
  function armAutoReturn() {
    window.clearTimeout(autoReturnTimer);
    var marker = document.querySelector("[data-auto-return]");
    if (marker) {
      var seconds = parseInt(marker.getAttribute("data-auto-return") || "8", 10);
      autoReturnTimer = window.setTimeout(startOver, seconds * 1000);
    }
  }

  // After each htmx swap: move focus to the new step's heading so screen readers announce it,
  // and start the auto-return if the new screen is a confirmation.
  document.addEventListener("htmx:afterSettle", function () {
    var focusTarget = document.querySelector("[data-autofocus]");
    if (focusTarget) { focusTarget.focus(); }
    armAutoReturn();
  });

  activity();
  armAutoReturn();
})();
