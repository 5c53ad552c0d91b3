/* Switching language mid-flow keeps what the person already answered (issue 8, point 8).
 *
 * The header's language buttons normally post to /language and come back to the page's start.
 * Inside a flow whose form says so ([data-language-keeps-answers]: sign-in, the plan), the
 * flow's own form is sent instead, with go=language and the chosen language: the server shows
 * the same step again in that language, and the answers travel as they always do, in the
 * form's fields. Nothing goes into a URL, and only the language goes into the cookie.
 * A plain form.submit() (a whole-page POST, not an htmx swap) so the header and footer come
 * back in the new language too.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target instanceof Element
      ? target.closest(".language-switch button[name='lang']") : null;
    if (!button) { return; }
    var flow = document.querySelector("#flow form[data-language-keeps-answers]");
    if (!flow) { return; }
    event.preventDefault();
    [["lang", button.value], ["go", "language"]].forEach(function (pair) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = pair[0];
      field.value = pair[1];
      flow.appendChild(field);
    });
    HTMLFormElement.prototype.submit.call(flow);
  });
})();
