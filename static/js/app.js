// Small progressive enhancements. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  if ("serviceWorker" in navigator && document.body.dataset.signedIn === "1") {
    navigator.serviceWorker.register("/sw.js", { scope: "/" });
  }
  // Enter (a phone keyboard's 搜索 / Go key) in a customer picker's search box searches; it must
  // not send the form around the picker (a check-in, a referral or a plan item half filled in).
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !box.matches || !box.matches(".picker input[type=search]")) {
      return;
    }
    event.preventDefault();
    if (window.htmx) {
      window.htmx.trigger(box, "search");
    }
  });
  // A failed htmx request (network down, server error) tells the user instead of doing nothing.
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) {
      flash.innerHTML = "";
      var p = document.createElement("p");
      p.className = "flash flash--error";
      p.setAttribute("role", "alert");
      p.textContent = document.documentElement.lang === "en"
        ? "No connection. Check the network and try again."
        : "网络未连接，请检查网络后重试。";
      flash.appendChild(p);
    }
  });
})();
