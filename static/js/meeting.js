// sinen-mdt meetings: keyboard navigation and the per-case timer of meeting mode, and focus after
// htmx swaps on the meeting page. Progressive enhancement only: every action is also a link or a form.
"use strict";

(() => {
  const meetingMode = document.querySelector("[data-meeting-mode]");

  // --- keyboard shortcuts of meeting mode (listed in the page's dialog, shown with "?") --------------
  // ArrowLeft/ArrowRight and k/j follow the page's rel=prev/next links; d jumps to the first option;
  // a/m/r choose the focused option's outcome and move on to the next option; s saves the decision (the
  // focus lands on "Sign" after the swap); g goes to "Sign"; 1-4 choose the treatment intent in the form's
  // order (curative, palliative, surveillance, further work-up). Never while the user types or chooses in a
  // text field, nor with a modifier held (Shift only for "?" and "+").
  const NAVIGATION = { ArrowLeft: "prev", k: "prev", ArrowRight: "next", j: "next" };
  const OUTCOMES = { a: "accept", m: "modify", r: "reject" };
  const TYPING = "input:not([type='radio']):not([type='checkbox']), textarea, select, [contenteditable]:not([contenteditable='false'])";
  const RADIOS = "input[type='radio']";

  // The options on screen: not those folded away in a closed <details> (Chromium keeps them laid out).
  const optionRows = () => [...document.querySelectorAll("#decision-panel tr[data-code]")].filter((row) => !row.closest("details:not([open])"));
  const focusOption = (row) => {
    const radio = row?.querySelector(`${RADIOS}:checked`) || row?.querySelector(RADIOS);
    radio?.focus();
    return Boolean(radio);
  };
  const choose = (row, outcome) => {
    const radio = row.querySelector(`${RADIOS}[value="${outcome}"]`);
    if (!radio) return;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    const reason = row.querySelector("input[name^='reason_']");
    // A departure needs its reason: modifying always, rejecting a recommended option.
    const verdict = row.querySelector(".verdict");
    const departs = outcome === "modify" || (outcome === "reject" && verdict?.classList.contains("verdict-recommended"));
    if (departs && reason) {
      reason.focus();
      return;
    }
    const rows = optionRows();
    const next = rows[rows.indexOf(row) + 1];
    if (!focusOption(next)) document.querySelector("#decision-panel [data-save-decision]")?.focus();
  };

  const dialog = document.getElementById("shortcuts");
  const toggleShortcuts = () => {
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  };
  document.querySelector("[data-shortcuts-open]")?.addEventListener("click", toggleShortcuts);

  // --- zoom for the room: the .board's font size in steps, remembered on this computer ---------------
  const board = document.querySelector(".board");
  const ZOOM_KEY = "sinen-mdt:zoom";
  let zoom = Math.max(-2, Math.min(3, Number(window.localStorage.getItem(ZOOM_KEY)) || 0));
  const applyZoom = () => {
    if (!board) return;
    for (const cls of [...board.classList]) if (cls.startsWith("zoom-")) board.classList.remove(cls);
    if (zoom) board.classList.add(`zoom-${zoom}`);
    window.localStorage.setItem(ZOOM_KEY, String(zoom));
  };
  const changeZoom = (step) => {
    zoom = Math.max(-2, Math.min(3, zoom + step));
    applyZoom();
  };
  if (board) {
    applyZoom();
    document.querySelectorAll("[data-zoom], [data-shortcuts-open]").forEach((button) => { button.hidden = false; });
    document.querySelectorAll("[data-zoom]").forEach((button) => {
      button.addEventListener("click", () => changeZoom(Number(button.dataset.zoom)));
    });
  }

  if (meetingMode) {
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (event.key === "Escape" && target instanceof Element && target.closest(TYPING)) {
        target.blur();
        return;
      }
      if (target instanceof Element && target.closest(TYPING)) return;
      if (dialog?.open && event.key !== "?") return;
      const key = event.key;
      if (key === "?") {
        event.preventDefault();
        toggleShortcuts();
        return;
      }
      if (key === "+" || key === "-") {
        event.preventDefault();
        changeZoom(key === "+" ? 1 : -1);
        return;
      }
      if (event.shiftKey) return;
      const row = target instanceof Element ? target.closest("#decision-panel tr[data-code]") : null;
      if (row && OUTCOMES[key]) {
        event.preventDefault();
        choose(row, OUTCOMES[key]);
        return;
      }
      // Arrow keys move between radio buttons inside an option: only j/k move between cases there.
      if (target instanceof Element && target.matches(RADIOS) && key.startsWith("Arrow")) return;
      if (NAVIGATION[key]) {
        const link = document.querySelector(`.meeting-nav a[rel="${NAVIGATION[key]}"]`);
        if (!link) return;
        event.preventDefault();
        window.location.assign(link.href);
      } else if (key === "d") {
        if (focusOption(optionRows()[0])) event.preventDefault();
      } else if (key === "s") {
        const form = document.querySelector("#decision-panel form.decision-form");
        if (!form) return;
        event.preventDefault();
        form.requestSubmit();
      } else if (/^[1-9]$/.test(key)) {
        const intent = document.querySelectorAll("#decision-panel input[name='treatment_intent']")[Number(key) - 1];
        if (!intent) return;
        event.preventDefault();
        intent.checked = true;
        intent.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (key === "g") {
        const sign = document.querySelector("#decision-panel [data-sign-decision]");
        if (!sign) return;
        event.preventDefault();
        sign.focus();
      }
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

  // --- following the chair --------------------------------------------------------------------
  // The poll (views.meeting_follow) signals a saved or signed decision with the room-changed event: reload
  // the decision panel (its new poll carries the room's new version). A new case comes as HX-Location.
  document.addEventListener("room-changed", (event) => {
    const poll = event.target instanceof Element ? event.target.closest("[data-follow]") : null;
    if (!poll || !window.htmx) return;
    window.htmx.ajax("GET", poll.dataset.panelUrl, { target: "#decision-panel", swap: "outerHTML" });
  });

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
    } else if (target.id === "decision-panel" && event.detail.requestConfig?.verb !== "get") {
      const panel = document.getElementById("decision-panel");
      // Django marks every control of a field with errors aria-invalid (radio buttons included); after a
      // save without errors the next step is the signature.
      const invalid = panel?.querySelector("[aria-invalid='true']");
      (invalid || panel?.querySelector("[data-sign-decision]") || panel?.querySelector("#decision-heading"))?.focus();
    }
  });
})();
