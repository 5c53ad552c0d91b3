// Staff pages: an optional chime when a new help request arrives. Off by default; the choice is
// kept in this browser only (localStorage), never on the server. Focus never moves.
(function () {
  "use strict";
  var KEY = "porchlight-alert-sound";
  var toggle = document.querySelector("[data-alert-sound]");
  var audio = document.querySelector("[data-alert-audio]");
  function waitingNow() {
    var region = document.getElementById("help-alerts");
    if (!region || !region.hasAttribute("data-waiting")) { return null; }
    return parseInt(region.getAttribute("data-waiting") || "0", 10);
  }
  // What the page showed when it loaded: only requests that arrive after that make a sound.
  var lastWaiting = waitingNow();

  function soundOn() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }

  function showToggle() {
    if (!toggle) { return; }
    toggle.hidden = false;
    toggle.setAttribute("aria-pressed", soundOn() ? "true" : "false");
  }

  if (toggle) {
    toggle.addEventListener("click", function () {
      try { window.localStorage.setItem(KEY, soundOn() ? "off" : "on"); } catch (e) { /* private mode */ }
      showToggle();
    });
    showToggle();
  }

  document.addEventListener("htmx:afterSettle", function () {
    var waiting = waitingNow();
    if (waiting === null) { return; }
    if (lastWaiting !== null && waiting > lastWaiting && soundOn() && audio) {
      var played = audio.play();
      if (played && typeof played.catch === "function") { played.catch(function () { return null; }); }
    }
    lastWaiting = waiting;
  });
})();
