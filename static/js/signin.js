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

  // A wrong visitor code keeps what was typed. The server never writes a typed code back into
  // a page; the words stay only in this page's memory between the tap and the answer, and go
  // back into the box only when the answer says the code was not recognized. The idle reset
  // reloads the page, which forgets them.
  var typedCode = "";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var box = form instanceof HTMLFormElement ? form.querySelector("input[data-keep-typed]") : null;
    typedCode = box && submitter && submitter.value === "check" ? box.value : "";
  }, true);
  document.addEventListener("htmx:afterSettle", function () {
    var box = document.querySelector("input[data-keep-typed][aria-invalid=true]");
    if (box && typedCode && !box.value) { box.value = typedCode; }
    typedCode = "";
  });
})();
