// Kiosk hygiene: after a quiet spell ask "Still there?", then start over for the next person.
// The reset uses location.replace so the screen being left does not stay in the Back history.
(function () {
  "use strict";
  var body = document.body;
  var resetUrl = body.dataset.resetUrl || "/reset";
  var dialog = document.getElementById("idle-dialog");
  var countdown = dialog ? dialog.querySelector("[data-idle-countdown]") : null;
  var stayButton = dialog ? dialog.querySelector("[data-idle-stay]") : null;
  var stayLabel = stayButton ? stayButton.textContent : "";
  var idleTimer = null;
  var resetTimer = null;
  var tickTimer = null;
  var armedForPlan = false;

  // The page's idle limits: the body's, or a screen's own ([data-idle-plan]: the plan waits
  // longer and offers "More time"). Read again after every swap, so they follow the screen.
  function limits() {
    var own = document.querySelector("[data-idle-plan]");
    var source = own ? own.dataset : body.dataset;
    return {
      idle: parseInt(source.idleSeconds || body.dataset.idleSeconds || "90", 10),
      prompt: parseInt(source.idlePromptSeconds || body.dataset.idlePromptSeconds || "15", 10),
      plan: Boolean(own)
    };
  }

  function startOver() {
    window.location.replace(resetUrl);
  }

  function showCountdown(seconds) {
    if (!countdown) { return; }
    var words = seconds === 1 ? countdown.dataset.one : countdown.dataset.other;
    countdown.textContent = (words || "").replace("{n}", String(seconds));
  }

  function showPrompt() {
    if (dialog && typeof dialog.showModal === "function") {
      var limit = limits();
      var left = limit.prompt;
      if (stayButton) {
        stayButton.textContent = limit.plan ? (stayButton.dataset.moreLabel || stayLabel) : stayLabel;
      }
      showCountdown(left);
      if (!dialog.open) { dialog.showModal(); }
      resetTimer = window.setTimeout(startOver, left * 1000);
      tickTimer = window.setInterval(function () {
        left = Math.max(left - 1, 0);
        showCountdown(left);
      }, 1000);
    } else {
      startOver();
    }
  }

  function activity() {
    window.clearTimeout(idleTimer);
    window.clearTimeout(resetTimer);
    window.clearInterval(tickTimer);
    if (dialog && dialog.open) { dialog.close(); }
    var limit = limits();
    armedForPlan = limit.plan;
    idleTimer = window.setTimeout(showPrompt, Math.max(limit.idle - limit.prompt, 5) * 1000);
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
    // A swap that brings a screen with other idle limits (into or out of the plan) re-arms
    // the timer; any other swap (a poll, say) is not a touch and must not delay the reset.
    if (limits().plan !== armedForPlan) { activity(); }
  });

  activity();
  armAutoReturn();
})();
