// Refreshes a campaign's progress every two seconds while it is on the page.
(function () {
  var panel = document.getElementById("campaign-progress");
  if (!panel) return;
  var url = panel.dataset.progress;
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        ["status", "total", "sent", "failed", "remaining", "rate", "eta"].forEach(function (k) {
          var el = panel.querySelector('[data-field="' + k + '"]');
          if (el) el.textContent = p[k];
        });
        var fill = document.getElementById("progress-fill");
        if (fill) fill.setAttribute("width", p.percent);
      })
      .catch(function () {});
  }
  setInterval(refresh, 2000);
})();
