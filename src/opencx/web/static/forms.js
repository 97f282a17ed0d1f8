/* Rules a form states that HTML alone cannot. <fieldset data-one-of="Name a product or a
   country"> wants at least one of its fields filled: until one is, the browser refuses to send
   the form and shows the message on the first field. Without JavaScript the server checks the
   same rule and answers with the message in place. No dependencies, works offline. */
(function () {
  "use strict";
  function check(set) {
    var boxes = Array.prototype.slice.call(set.querySelectorAll("input, textarea, select"));
    if (!boxes.length) { return; }
    var any = boxes.some(function (b) { return b.value.trim() !== ""; });
    boxes[0].setCustomValidity(any ? "" : set.getAttribute("data-one-of"));
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-one-of]"), function (set) {
      check(set);
      set.addEventListener("input", function () { check(set); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
