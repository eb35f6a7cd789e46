// Imbuto's own few lines of JavaScript: the phone menu, and a full reload when the session expired.
document.addEventListener("click", function (event) {
  const toggle = event.target.closest("[data-toggle-nav]");
  if (!toggle) return;
  const nav = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = nav.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
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
