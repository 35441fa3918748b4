// Small progressive enhancements. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  if ("serviceWorker" in navigator && document.body.dataset.signedIn === "1") {
    navigator.serviceWorker.register("/sw.js", { scope: "/" });
  }
  // What this device keeps in its local storage belongs to one person: a key ends with the id
  // of the person it was written for ("branchkit.kit-shown:12"). When someone signs in, what
  // was kept for anyone else goes (the service worker does the same for the pages it keeps).
  var user = document.body.dataset.user;
  if (user) {
    try {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf("branchkit.") === 0 && key.slice(key.lastIndexOf(":") + 1) !== user) {
          localStorage.removeItem(key);
        }
      });
    } catch (error) { /* storage refused: nothing is kept to remove */ }
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
  // Every way an htmx request can end without an answer (no network, an answer cut off, aborted,
  // timed out) tells the person. A form sent that way may have reached the server: its page keeps
  // what was typed and its client_id, so pressing Save again never stores it twice.
  function noAnswer(event) {
    var flash = document.getElementById("flash");
    var config = event.detail && event.detail.requestConfig;
    var sent = config && config.verb && config.verb.toLowerCase() !== "get";
    if (!flash || (event.type === "htmx:sendAbort" && !sent)) return; // a search replaced by a newer one
    var en = document.documentElement.lang === "en";
    flash.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash flash--error";
    p.setAttribute("role", "alert");
    p.dataset.noAnswer = sent ? "send" : "load";
    if (sent) {
      p.textContent = en
        ? "The answer did not arrive: what you sent may already be saved. Your form is still here: press Save again; it is never saved twice."
        : "未收到回复：刚才提交的内容可能已经保存。表单内容仍在：请再次点击保存，不会重复保存。";
    } else {
      p.textContent = en ? "No connection. Check the network and try again." : "网络未连接，请检查网络后重试。";
    }
    flash.appendChild(p);
  }
  ["htmx:sendError", "htmx:sendAbort", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, noAnswer);
  });
})();
