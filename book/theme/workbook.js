// Reloads the page after `cargo xtask serve` rebuilt the book. When the book
// is opened some other way the first request fails and nothing more happens.
(function () {
  let seen = null;
  async function check() {
    try {
      const response = await fetch("/__workbook/version", { cache: "no-store" });
      if (!response.ok) return;
      const version = await response.text();
      if (seen !== null && version !== seen) {
        location.reload();
        return;
      }
      seen = version;
      setTimeout(check, 1000);
    } catch (_) {
      // The server stopped; keep the page as it is.
    }
  }
  check();
})();
