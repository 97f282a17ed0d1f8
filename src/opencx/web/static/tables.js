/* Long tables, paged in the browser: <table class="data" data-page-size="25">.
   Without JavaScript every row shows; with it, a pager below the table says which rows show
   of how many and steps through them. No dependencies, works offline. */
(function () {
  "use strict";
  function pager(table) {
    var size = parseInt(table.getAttribute("data-page-size"), 10) || 25;
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    if (rows.length <= size) { return; }
    var pages = Math.ceil(rows.length / size), page = 0;
    var nav = document.createElement("nav");
    nav.className = "pager";
    nav.setAttribute("aria-label", "Table pages");
    var prev = document.createElement("button");
    prev.type = "button"; prev.className = "btn"; prev.textContent = "\u2190 Previous";
    var next = document.createElement("button");
    next.type = "button"; next.className = "btn"; next.textContent = "Next \u2192";
    var info = document.createElement("span");
    info.className = "muted small"; info.setAttribute("aria-live", "polite");
    nav.appendChild(prev); nav.appendChild(info); nav.appendChild(next);
    table.parentNode.insertBefore(nav, table.nextSibling);
    function show() {
      var first = page * size, last = Math.min(rows.length, first + size);
      rows.forEach(function (r, i) { r.hidden = i < first || i >= last; });
      info.textContent = "rows " + (first + 1) + "\u2013" + last + " of " + rows.length +
        " (page " + (page + 1) + " of " + pages + ")";
      prev.disabled = page === 0; next.disabled = page === pages - 1;
    }
    prev.addEventListener("click", function () { if (page > 0) { page--; show(); } });
    next.addEventListener("click", function () { if (page < pages - 1) { page++; show(); } });
    show();
  }
  function all() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-page-size]"), pager);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); }
  else { all(); }
})();
