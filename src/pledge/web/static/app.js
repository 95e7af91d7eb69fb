// Draws every figure the page carries: <div data-figure="KEY"> + <script id="figure-KEY">.
(function () {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var src = document.getElementById("figure-" + el.dataset.figure);
    if (!src) return;
    var fig = JSON.parse(src.textContent);
    Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
  });
})();
