// Staff forms: when a form comes back with problems, move focus to the error summary so it is
// read out first (GOV.UK pattern); its links then take the reader to each field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
