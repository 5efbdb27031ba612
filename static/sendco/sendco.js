// sendco's own script. No inline scripts, so a strict Content-Security-Policy works.
// htmx swaps: move focus to the new content's heading when it asks for it.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target.querySelector("[data-focus-after-swap]");
  if (target) { target.focus(); }
});
