// My plan for hard moments: tap an idea to add it to the text box; print the finished plan.
// Nothing is stored by this script: the text lives only in the page's form until it is left.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var add = target.closest("[data-plan-add]");
    if (add) {
      var box = document.getElementById(add.getAttribute("data-plan-add"));
      if (box) {
        var idea = add.textContent.trim();
        var current = box.value.replace(/\s+$/, "");
        var limit = parseInt(box.getAttribute("maxlength") || "600", 10);
        var next = current ? current + "\n" + idea : idea;
        if (next.length <= limit) { box.value = next; }
        box.focus();
      }
      return;
    }
    if (target.closest("[data-plan-print]")) { window.print(); }
  });
})();
