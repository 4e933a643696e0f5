// After a refused form, moves keyboard and screen-reader focus to the summary of what to correct, as
// GOV.UK's error summary does, so the next Tab reaches its links. Without script the summary is
// still the first thing under the heading.
(function () {
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();
})();
