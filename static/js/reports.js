// Reports: the funder report's Print button (no inline handlers: the CSP forbids them).
document.addEventListener("click", (event) => {
  const target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
