// Applies the remembered theme before the first paint, so a dark page never
// flashes light. index.html loads it as a blocking script (the server's CSP
// allows no inline script); src/lib/theme.ts takes over once the app runs and
// uses the same storage key.
(function () {
  var choice = null;
  try {
    choice = localStorage.getItem('certinel-theme');
  } catch (e) {
    /* storage blocked: follow the system */
  }
  var dark = choice === 'dark' || (choice !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
})();
