// The pages' only script (the policy allows no inline script or event handler).
(function () {
  // A <select data-autosubmit> submits its form when it changes.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // A <table data-sortable> sorts by a column when its header is clicked (again: reversed).
  // A cell's data-sort, when given, is what it sorts by (numbers, ISO dates).
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.classList.add("sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      var sort = function () {
        var body = table.tBodies[0];
        var up = th.getAttribute("aria-sort") !== "ascending";
        var key = function (row) {
          var cell = row.cells[col];
          if (!cell) return "";
          var v = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
          var n = Number(v);
          return v !== "" && !isNaN(n) ? n : v.toLowerCase();
        };
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === y) return 0;
          if (x === "") return 1;
          if (y === "") return -1;
          return (x < y ? -1 : 1) * (up ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });
  // Draws every figure the page carries: <div data-figure="KEY"> + <script id="figure-KEY">.
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var src = document.getElementById("figure-" + el.dataset.figure);
    if (!src) return;
    var fig = JSON.parse(src.textContent);
    Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
  });
})();
