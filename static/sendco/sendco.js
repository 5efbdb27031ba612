// sendco's own script. No inline scripts, so a strict Content-Security-Policy works.
// htmx swaps: move focus to the new content's heading when it asks for it.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target.querySelector("[data-focus-after-swap]");
  if (target) { target.focus(); }
});

// A form is sent once: after the first submit its buttons are disabled (a double click sends
// nothing more). The server guards too (staff/once.py); this only saves a wasted request.
// Disabled a moment later, so the clicked button's name and value still go with the form.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  setTimeout(() => {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
      .forEach((button) => { button.disabled = true; });
  }, 0);
});

// An htmx form stays on the page: let it be sent again once its answer has come back.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt.closest ? event.detail.elt.closest("form") : null;
  if (form) { release(form); }
});

// Back to a page from the browser's cache: its forms can be sent again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sending]").forEach(release);
});

function release(form) {
  delete form.dataset.sending;
  form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
    .forEach((button) => { button.disabled = false; });
}

// "My groups today": choosing why a pupil did not come turns their "came" switch off (the server
// counts a reason as absent anyway); turning the switch back on clears the reason.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches("select[data-marks-absent]") && field.value) {
    const here = document.getElementById(field.dataset.marksAbsent);
    if (here) { here.checked = false; }
  } else if (field.matches("input[data-clears]") && field.checked) {
    const reason = document.getElementById(field.dataset.clears);
    if (reason) { reason.value = ""; }
  }
});

// A form marked data-swap-refusal shows the server's refusal (a 400 with the form and its
// reason) in place of the form, as it shows a success: htmx leaves 4xx answers unswapped.
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (event.detail.xhr.status === 400 && form && form.closest && form.closest("[data-swap-refusal]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
