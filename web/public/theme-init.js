// Applies the saved theme before first paint so the page never flashes the wrong one.
// A file, not an inline script: the server's Content-Security-Policy forbids inline scripts.
try {
  var t = localStorage.getItem('rapport.theme');
  if (t === 'dark' || t === 'light') document.documentElement.dataset.theme = t;
} catch (e) {}
