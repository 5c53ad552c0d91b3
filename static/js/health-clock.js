// Health page: send this browser's clock to the server, which says how far apart they are.
// (A separate file because the CSP allows no inline script.)
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("clock-check");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    form.elements.browser_ms.value = String(Date.now());
  }, true);
  form.elements.browser_ms.value = String(Date.now());
  form.requestSubmit();
});
