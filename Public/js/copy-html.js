// "Copy for WeChat": puts the article's HTML on the clipboard as rich text (and as plain text), so
// pasting into the official-account editor keeps its inline styles.
(function () {
  var button = document.getElementById("copy-wechat");
  var status = document.getElementById("copy-status");
  if (!button) return;
  var source = document.getElementById(button.dataset.source);
  button.hidden = false;
  function done(ok) {
    status.textContent = ok ? button.dataset.copied || "Copied." : button.dataset.failed || "Copying failed: select the text and copy it.";
  }
  function fallback(html) {
    // Browsers without the asynchronous clipboard copy a selection of the rendered HTML.
    var holder = document.createElement("div");
    holder.contentEditable = "true";
    holder.innerHTML = html;
    holder.style.position = "fixed";
    holder.style.left = "-10000px";
    document.body.appendChild(holder);
    var range = document.createRange();
    range.selectNodeContents(holder);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    selection.removeAllRanges();
    holder.remove();
    done(ok);
  }
  button.addEventListener("click", function () {
    var html = source.value;
    if (navigator.clipboard && window.ClipboardItem) {
      var text = new DOMParser().parseFromString(html, "text/html").body.textContent || "";
      var item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" })
      });
      navigator.clipboard.write([item]).then(function () { done(true); }, function () { fallback(html); });
    } else {
      fallback(html);
    }
  });
})();
