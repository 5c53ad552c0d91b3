// Kiosk requests that fail are never silent (issue 9, point 1). htmx 2 swaps nothing for a 4xx
// or 5xx answer and fires an event instead; a timeout or a dropped network does the same. Here
// each of those shows a calm message in place of the screen's buttons, announced by screen
// readers (role="alert"), with a way forward: try again, start over, or Get help now.
(function () {
  "use strict";
  if (!window.htmx) { return; }
  // A kiosk request that hangs is reported after 15 s instead of leaving the screen frozen.
  window.htmx.config.timeout = 15000;
  var submitters = new WeakMap();

  // Remember which button sent each form, so "Try again" sends exactly the same thing.
  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement) {
      submitters.set(event.target, event.submitter || null);
    }
  }, true);

  // A 4xx fragment that is meant to be shown (a form with its error message) says so with
  // data-kiosk-swap; htmx then swaps it like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.status < 500 &&
        (xhr.responseText || "").indexOf("data-kiosk-swap") !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function serverMessage(text) {
    if (!text || text.indexOf("data-kiosk-error") === -1) { return null; }
    var holder = document.createElement("div");
    holder.innerHTML = text;
    return holder.querySelector("[data-kiosk-error]");
  }

  function show(event, responseText) {
    var template = document.getElementById("kiosk-error-template");
    var source = event.detail.elt;
    var place = event.detail.target || (source && source.closest("#flow")) ||
      document.getElementById("main");
    if (!template || !place) { return; }
    var box = template.content.firstElementChild.cloneNode(true);
    var fromServer = serverMessage(responseText);
    if (fromServer) {
      var words = fromServer.querySelector(".kiosk-error-message");
      if (words) { box.querySelector(".kiosk-error-message").textContent = words.textContent; }
      var code = parseInt(fromServer.getAttribute("data-code") || "500", 10);
      if (code < 500) { box.querySelector(".kiosk-error-staff").remove(); }
    }
    var form = source ? (source.tagName === "FORM" ? source : source.closest("form")) : null;
    var retry = box.querySelector("[data-kiosk-retry]");
    if (form) {
      retry.addEventListener("click", function () {
        box.remove();
        var submitter = submitters.get(form);
        if (submitter && submitter.isConnected) { form.requestSubmit(submitter); }
        else { form.requestSubmit(); }
      });
    } else {
      retry.remove();
    }
    var old = place.querySelector(".kiosk-error-box");
    if (old) { old.remove(); }
    place.insertBefore(box, place.firstChild);
    var title = box.querySelector(".kiosk-error-title");
    if (title) { title.focus(); }
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(event, event.detail.xhr ? event.detail.xhr.responseText : "");
  });
  document.addEventListener("htmx:sendError", function (event) { show(event, ""); });
  document.addEventListener("htmx:timeout", function (event) { show(event, ""); });
})();
