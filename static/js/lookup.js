// Find help nearby: after a topic or filter tap, the results heading takes focus and scrolls
// into view (the results are below the fold on a tablet), and the chosen topic shows as
// selected (aria-pressed). Typing in the search box never moves focus: the person is typing.
(function () {
  "use strict";
  if (window.porchlightLookup) { return; }
  window.porchlightLookup = true;
  var moveToResults = false;

  function fromLookup(target) {
    return target instanceof Element && target.closest(".lookup-form");
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!fromLookup(target)) { return; }
    if (target.closest("button[name=browse], button[type=submit]")) { moveToResults = true; }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (fromLookup(target) && target.id !== "lookup-q") { moveToResults = true; }
  });
  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.id === "lookup-q") { moveToResults = false; }
  });

  function markChosenTopic() {
    var chosen = document.querySelector("#results input[name=category]");
    var value = chosen ? chosen.value : "";
    document.querySelectorAll(".lookup-form button.tile-topic").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === value && value !== "" ? "true" : "false");
    });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "results") { return; }
    markChosenTopic();
    if (!moveToResults) { return; }
    moveToResults = false;
    var heading = document.getElementById("results-heading");
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start" });
    }
  });
})();
