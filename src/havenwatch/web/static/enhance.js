// Progressive enhancement only: every page works without this file.
// Filter forms marked data-autosubmit submit themselves when a select changes.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.form && target.form.hasAttribute("data-autosubmit")) {
    target.form.submit();
  }
});
