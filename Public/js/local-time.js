// Adds the reader's own time next to a meeting's time when the reader's time zone differs, written
// as the site writes dates: "10 March 2027, 03:00" in English, "2027年3月10日 03:00" in Chinese.
(function () {
  var reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("time[data-zone]").forEach(function (el) {
    if (!reader || el.dataset.zone === reader) return;
    var zh = (document.documentElement.lang || "en").toLowerCase().indexOf("zh") === 0;
    var locale = zh ? "zh-CN" : "en-GB";
    var day = { day: "numeric", month: "long", year: "numeric", timeZone: reader };
    var clock = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: reader };
    var start = new Date(el.dataset.start), end = new Date(el.dataset.end);
    if (isNaN(start)) return;
    var text = new Intl.DateTimeFormat(locale, day).format(start) + (zh ? " " : ", ") +
      new Intl.DateTimeFormat(locale, clock).format(start);
    if (!isNaN(end)) text += "–" + new Intl.DateTimeFormat(locale, clock).format(end);
    var note = document.createElement("span");
    note.className = "reader-time";
    note.textContent = zh ? "（" + text + "，" + reader + "）" : " (" + text + ", " + reader + ")";
    el.after(note);
  });
})();
