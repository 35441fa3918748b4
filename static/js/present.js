// Present mode: slides scroll-snap horizontally (a swipe moves one); buttons and arrow keys too.
(function () {
  "use strict";
  var slides = document.getElementById("slides");
  var count = document.getElementById("slide-count");
  if (!slides) { return; }
  var items = slides.querySelectorAll(".slide");
  function current() {
    return Math.round(slides.scrollLeft / Math.max(slides.clientWidth, 1));
  }
  function show(i) {
    i = Math.max(0, Math.min(items.length - 1, i));
    slides.scrollTo({ left: i * slides.clientWidth, behavior: "smooth" });
  }
  // Each page shown is noted on the phone for the person signed in, with no signal too: their
  // visit form of market running fills its "shown from the sales kit" from these (field.js).
  var user = document.body.dataset.user;
  var SHOWN = "branchkit.kit-shown:" + user;
  function record(slide) {
    var page = slide && slide.dataset.page;
    if (!page || !user) { return; }
    try {
      var shown = JSON.parse(localStorage.getItem(SHOWN) || "[]");
      var last = shown[shown.length - 1];
      if (last && last.page === page) { return; }
      shown.push({ page: page, at: Date.now() });
      localStorage.setItem(SHOWN, JSON.stringify(shown.slice(-100)));
    } catch (error) { /* storage full or refused: presenting goes on */ }
  }
  function update() {
    if (count) { count.textContent = (current() + 1) + " / " + items.length; }
    record(items[current()]);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-slide]");
    if (!button) { return; }
    show(current() + (button.dataset.slide === "next" ? 1 : -1));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") { show(current() + 1); }
    if (event.key === "ArrowLeft") { show(current() - 1); }
  });
  slides.addEventListener("scroll", function () { window.requestAnimationFrame(update); }, { passive: true });
  update();
  slides.focus();
})();
