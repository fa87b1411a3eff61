// sinen-mdt meetings: keyboard navigation and the per-case timer of meeting mode, and focus after
// htmx swaps on the meeting page. Progressive enhancement only: every action is also a link or a form.
"use strict";

(() => {
  const meetingMode = document.querySelector("[data-meeting-mode]");

  // --- next / previous case by keyboard --------------------------------------------------------
  // ArrowLeft/ArrowRight and k/j follow the page's rel=prev/next links, except while the user types
  // or chooses in a form field (arrow keys move between radio buttons there) or holds a modifier.
  const KEYS = { ArrowLeft: "prev", k: "prev", ArrowRight: "next", j: "next" };
  const FIELDS = "input, textarea, select, [contenteditable]:not([contenteditable='false'])";

  if (meetingMode) {
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const rel = KEYS[event.key];
      if (!rel) return;
      const target = event.target;
      if (target instanceof Element && target.closest(FIELDS)) return;
      const link = document.querySelector(`.meeting-nav a[rel="${rel}"]`);
      if (!link) return;
      event.preventDefault();
      window.location.assign(link.href);
    });
  }

  // --- the timer of the current case -----------------------------------------------------------
  // Time spent on each case is kept per agenda item in sessionStorage (item UUID and seconds only),
  // so stepping back to a case resumes its clock. It turns amber at 80% and red past the plan.
  const timer = document.querySelector("[data-timer]");
  if (timer) {
    const key = `sinen-mdt:timer:${timer.dataset.item}`;
    const planned = Number(timer.dataset.plannedSeconds) || 0;
    const shown = timer.querySelector("[data-timer-elapsed]");
    const toggle = timer.querySelector("[data-timer-toggle]");
    let elapsed = Number(window.sessionStorage.getItem(key)) || 0;
    let running = true;
    let last = Date.now();

    const format = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    const render = () => {
      const seconds = Math.floor(elapsed);
      shown.textContent = format(seconds);
      timer.classList.toggle("timer-warning", planned > 0 && seconds >= planned * 0.8 && seconds < planned);
      timer.classList.toggle("timer-over", planned > 0 && seconds >= planned);
      timer.classList.toggle("timer-paused", !running);
    };
    const tick = () => {
      const now = Date.now();
      if (running) elapsed += (now - last) / 1000;
      last = now;
      window.sessionStorage.setItem(key, String(Math.floor(elapsed)));
      render();
    };

    shown.hidden = false;
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      tick();
      running = !running;
      toggle.textContent = running ? "Pause" : "Resume";
      toggle.setAttribute("aria-pressed", String(!running));
      render();
    });
    render();
    window.setInterval(tick, 1000);
  }

  // --- focus after htmx swaps ------------------------------------------------------------------
  // A swap replaces the element that had focus. Put keyboard focus back where the user was: the
  // same reorder button (or its twin at the ends of the agenda), the first invalid field of the
  // decision form, or the decision heading.
  let focusedId = null;
  document.addEventListener("htmx:beforeRequest", () => {
    focusedId = document.activeElement?.id || null;
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (!target) return;
    if (target.id === "agenda" && focusedId) {
      const same = document.getElementById(focusedId);
      const twin = document.getElementById(focusedId.replace(/^(up|down)-/, (m, d) => (d === "up" ? "down-" : "up-")));
      const choice = same && !same.disabled ? same : twin;
      choice?.focus();
    } else if (target.id === "decision-panel") {
      const panel = document.getElementById("decision-panel");
      // Django marks every control of a field with errors aria-invalid (radio buttons included).
      const invalid = panel?.querySelector("[aria-invalid='true']");
      (invalid || panel?.querySelector("#decision-heading"))?.focus();
    }
  });
})();
