// Small progressive enhancements; every page works without this file.
document.addEventListener("click", function (event) {
  // Close open menus when clicking elsewhere.
  document.querySelectorAll("details.menu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
// Selects marked data-autosubmit submit their form on change (the button stays for no-JS use).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
// Fields that only apply for one value of another field: data-show-when="id_scope=1".
function applyShowWhen(root) {
  (root || document).querySelectorAll("[data-show-when]").forEach(function (block) {
    var rule = block.getAttribute("data-show-when").split("=");
    var control = document.getElementById(rule[0]);
    if (control) block.hidden = control.value !== rule[1];
  });
}
document.addEventListener("change", function () { applyShowWhen(); });
document.addEventListener("DOMContentLoaded", function () { applyShowWhen(); });
