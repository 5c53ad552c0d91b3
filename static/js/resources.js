// Printable slip: the Print button opens the browser's print dialog (no inline handlers: CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
})();
