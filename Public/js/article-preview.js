// The article editor's live preview: as the editor types, the body is rendered by the server's
// own Markdown renderer (the sanitised HTML readers get) and shown beside the form in the site's
// styles. Title, standfirst and byline are plain text and are copied as text.
(function () {
  var form = document.getElementById("article-form");
  var preview = document.getElementById("article-preview");
  if (!form || !preview) return;
  var body = form.querySelector("[name=body]");
  var status = document.getElementById("preview-status");
  var timer = null;
  var sent = 0;
  function text(name, target) {
    var field = form.querySelector("[name=" + name + "]");
    var place = document.getElementById(target);
    if (!field || !place) return;
    place.textContent = field.value;
    place.hidden = field.value.trim() === "";
  }
  function refresh() {
    var number = ++sent;
    var data = new FormData();
    data.append("_csrf", form.querySelector("[name=_csrf]").value);
    data.append("body", body.value);
    fetch(preview.dataset.action, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        // An answer to an older keystroke never replaces a newer one.
        if (number !== sent) return;
        preview.querySelector(".article-body").innerHTML = html;
        if (status) status.textContent = "";
      })
      .catch(function () {
        if (status) status.textContent = status.dataset.failed || "";
      });
  }
  form.addEventListener("input", function (event) {
    var name = event.target.name;
    if (name === "title") text("title", "preview-title");
    if (name === "summary") text("summary", "preview-summary");
    if (name === "byline") text("byline", "preview-byline");
    if (name !== "body") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
