// Imbuto's own few lines of JavaScript: the phone menu, the drop-down menus, and a full reload when the session expired.
// The Content-Security-Policy allows no inline script, no javascript: links and no eval (htmx's
// hx-on): behaviour is attached here through data- attributes.
document.addEventListener("click", function (event) {
  const toggle = event.target.closest("[data-toggle-nav]");
  if (!toggle) return;
  const nav = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = nav.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});

// The top navigation folds behind the menu button when its links would not fit on one row (the CSS
// folds it on phones before this runs): a long menu, long Italian labels, a narrow window.
function foldNav() {
  const bar = document.querySelector(".topbar");
  const links = bar && bar.querySelector(".nav-links");
  if (!links || !links.firstElementChild || window.matchMedia("(max-width: 760px)").matches) return;
  bar.classList.remove("folded");
  if (links.offsetHeight > links.firstElementChild.offsetHeight * 1.5) bar.classList.add("folded");
}
foldNav();
window.addEventListener("resize", foldNav);

// One drop-down menu of the top navigation open at a time; a click elsewhere or Escape closes it.
document.addEventListener("click", function (event) {
  const inside = event.target.closest("details.nav-group, details.user-menu");
  document.querySelectorAll("details.nav-group[open], details.user-menu[open]").forEach(function (menu) {
    if (menu !== inside) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.nav-group[open], details.user-menu[open]").forEach(function (menu) {
    menu.removeAttribute("open");
    if (menu.contains(document.activeElement)) menu.querySelector("summary").focus();
  });
});

document.addEventListener("htmx:beforeSwap", function (event) {
  // An htmx request that was redirected to the login page must not swap a login form into a table.
  const url = event.detail.xhr && event.detail.xhr.responseURL;
  if (url && new URL(url).pathname.startsWith("/login/")) {
    event.detail.shouldSwap = false;
    window.location.href = url;
  }
});

document.addEventListener("htmx:pushedIntoHistory", function () {
  // After search as you type changed the address, switching language returns to the same results.
  for (const input of document.querySelectorAll(".lang-switch input[name=next]")) {
    input.value = window.location.pathname + window.location.search;
  }
});

document.addEventListener("click", function (event) {
  // <a data-history-back href="/">: back where the person came from, the link's page otherwise.
  const back = event.target.closest("[data-history-back]");
  if (back && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

document.addEventListener("htmx:afterRequest", function (event) {
  // <form data-reset-on-success>: empty the form once htmx has sent it successfully.
  const form = event.detail.elt;
  if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
    form.reset();
  }
});
