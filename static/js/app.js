// sinen-mdt: small progressive enhancements only. The app works without this file.
"use strict";

// After htmx swaps in a new pathway step, move keyboard and screen-reader focus to where the user
// needs it: the first field with an error, otherwise the new step's heading.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "step-form") return;
  const stepForm = document.getElementById("step-form");
  if (!stepForm) return;
  const invalid = stepForm.querySelector(".is-invalid, [aria-invalid='true']");
  const heading = stepForm.querySelector("#step-heading");
  (invalid || heading)?.focus();
});

// --- conditional questions, answers that values settle, character counters ---------------------
// The server renders every question; these only hide what is not asked and show what follows, so the
// forms work the same without JavaScript (cases/pathways/engine/questions.py, cases/forms.py).

// A typed number as the server reads it (cases/numbers.py): a comma or a point, nothing else.
const typedNumber = (text) => {
  const typed = (text || "").trim();
  return /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(typed) ? Number(typed.replace(",", ".")) : Number.NaN;
};

// The current answer of a field of FORM: a radio group's checked value, or a control's value;
// undefined when the field is not on the form (a condition on another step: the server decided).
const answer = (form, name) => {
  const control = form.elements.namedItem(name);
  return control ? control.value : undefined;
};

const TESTS = {
  yes: (value) => value === "true",
  above_zero: (value) => typedNumber(value) > 0,
  given: (value) => value.trim() !== "",
};

// Whether a question holds an answer: typed text, a chosen option, or Yes / No (not "Unknown").
const hasAnswer = (wrapper) =>
  [...wrapper.querySelectorAll("input, select, textarea")].some((control) =>
    control.type === "radio" ? control.checked && control.value !== "unknown" : control.value.trim() !== "",
  );

// Show a question only while every condition holds; a hidden question is disabled, so it is not sent
// and stays unknown. A question holding an answer or an error stays visible: what was typed is never
// dropped unseen (the server refuses it with a message if a known answer rules it out).
const applyConditions = (root) => {
  for (const wrapper of root.querySelectorAll("[data-asked-when]")) {
    const form = wrapper.closest("form");
    if (!form) continue;
    const asked = wrapper.dataset.askedWhen
      .split(" ")
      .filter(Boolean)
      .every((condition) => {
        const [name, test] = condition.split(":");
        const value = answer(form, name);
        return value === undefined || (TESTS[test] ? TESTS[test](value) : true);
      });
    const show = asked || hasAnswer(wrapper) || wrapper.querySelector(".is-invalid, [aria-invalid='true']") !== null;
    wrapper.hidden = !show;
    for (const control of wrapper.querySelectorAll("input, select, textarea")) control.disabled = !show;
  }
};

// "Raised" follows from a value and its upper limit of normal (engine/facts.py): while both are typed,
// the answer is shown as settled and not sent (the server derives the same); otherwise as answered.
const applyDerived = (root) => {
  for (const wrapper of root.querySelectorAll("[data-derived-from]")) {
    const form = wrapper.closest("form");
    if (!form) continue;
    const [valueName, ulnName] = wrapper.dataset.derivedFrom.split(" ");
    const value = typedNumber(answer(form, valueName));
    const uln = typedNumber(answer(form, ulnName));
    const settled = Number.isFinite(value) && Number.isFinite(uln) && uln > 0;
    const wasSettled = wrapper.dataset.settled === "true";
    for (const radio of wrapper.querySelectorAll("input[type='radio']")) {
      radio.disabled = settled || wrapper.hidden;
      // Settled: show the derived answer. No longer settled: back to the answer as loaded. Otherwise the
      // radios are the person's own answer and stay as clicked.
      if (settled) radio.checked = radio.value === String(value > uln);
      else if (wasSettled) radio.checked = radio.defaultChecked;
    }
    wrapper.dataset.settled = String(settled);
    const note = wrapper.querySelector("[data-derived-note]");
    if (note) {
      note.hidden = !settled;
      note.textContent = settled
        ? `Set from the value and the upper limit of normal: ${value > uln ? "raised" : "not raised"}.`
        : "";
    }
  }
};

// The counter under a free text: its length as the server counts it (line breaks as one character,
// characters not UTF-16 units), and how much is over the limit.
const updateCounter = (counter) => {
  const field = document.getElementById(counter.dataset.countFor);
  if (!field) return;
  const length = [...field.value.replace(/\r\n?/g, "\n")].length;
  const over = length - Number(counter.dataset.limit);
  counter.querySelector("[data-count]").textContent = String(length);
  counter.querySelector("[data-count-over]").textContent = over > 0 ? `: ${over} too many` : "";
  counter.classList.toggle("char-count-over", over > 0);
};

const enhance = (root) => {
  applyConditions(root);
  applyDerived(root);
  for (const counter of root.querySelectorAll("[data-count-for]")) updateCounter(counter);
};

document.addEventListener("input", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement) || !target.id) return;
  const counter = document.querySelector(`[data-count-for="${CSS.escape(target.id)}"]`);
  if (counter) updateCounter(counter);
  const form = target.closest("form");
  if (form) {
    applyConditions(form);
    applyDerived(form);
  }
});
document.addEventListener("change", (event) => {
  const form = event.target instanceof Element ? event.target.closest("form") : null;
  if (form) {
    applyConditions(form);
    applyDerived(form);
  }
});
document.addEventListener("htmx:afterSwap", () => enhance(document));
enhance(document);

// --- an htmx action the server refused or could not answer ---------------------------------------
// htmx swaps nothing on an error status, so without this the click would seem to do nothing. Views answer
// stale actions with the refreshed part and a message (200); this covers the rest (403, 404, 500, no network).
const showRequestProblem = (text) => {
  const main = document.getElementById("main");
  if (!main) return;
  let box = document.getElementById("request-problem");
  if (!box) {
    box = document.createElement("div");
    box.id = "request-problem";
    box.className = "alert alert-danger";
    box.setAttribute("role", "alert");
    main.prepend(box);
  }
  box.textContent = text;
  box.scrollIntoView({ block: "nearest" });
};
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr?.status;
  const words = { 403: "you may not do this", 404: "what it acts on no longer exists", 409: "something changed meanwhile" };
  showRequestProblem(
    `The action was not carried out (${status}: ${words[status] || "the server could not answer"}). ` +
      "The page may be out of date: reload it to see the current state.",
  );
});
document.addEventListener("htmx:sendError", () => {
  showRequestProblem("The server could not be reached: nothing was changed. Check the connection and try again.");
});
