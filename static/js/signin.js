// Kiosk sign-in: the "Print this slip" button (no inline handlers: the CSP forbids them).
(function () {
  "use strict";
  if (window.porchlightSignin) { return; }
  window.porchlightSignin = true;
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
})();
