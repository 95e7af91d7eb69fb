// The pages' only script (the policy allows no inline script or event handler).
(function () {
  // A <select data-autosubmit> submits its form when it changes.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
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
