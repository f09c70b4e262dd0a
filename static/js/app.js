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
