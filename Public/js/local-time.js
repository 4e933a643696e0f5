// Adds the reader's own time next to a meeting's time when the reader's time zone differs.
(function () {
  var reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("time[data-zone]").forEach(function (el) {
    if (!reader || el.dataset.zone === reader) return;
    var lang = document.documentElement.lang || "en";
    var opts = { dateStyle: "medium", timeStyle: "short", timeZone: reader };
    var start = new Date(el.dataset.start), end = new Date(el.dataset.end);
    if (isNaN(start)) return;
    var text = new Intl.DateTimeFormat(lang, opts).format(start);
    if (!isNaN(end)) text += " – " + new Intl.DateTimeFormat(lang, { timeStyle: "short", timeZone: reader }).format(end);
    var note = document.createElement("span");
    note.className = "reader-time";
    note.textContent = " (" + text + ", " + reader + ")";
    el.after(note);
  });
})();
