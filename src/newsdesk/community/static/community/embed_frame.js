/* Inside the widget's frame: tell the embedding page (and only it) how tall the content is. */
(function () {
  "use strict";
  var origin;
  try { origin = new URL(document.body.dataset.parentOrigin).origin; } catch (e) { return; }
  function report() {
    window.parent.postMessage({ newsdeskHeight: document.documentElement.scrollHeight }, origin);
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.body); }
})();
