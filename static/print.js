// "Print of bewaar als PDF": the button is in the page but hidden; it appears only where
// script runs (without script the browser's own print command does the same).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-kb-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
