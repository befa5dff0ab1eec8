// The workbook's page script. It adapts a page to where the book is read:
// from the checkout (file://), served by `cargo xtask serve` or `start`
// (which marks each page with <meta name="workbook-serve">), or from a
// static host (neither).
(function () {
  const served = document.querySelector('meta[name="workbook-serve"]') !== null;
  const local = served || location.protocol === "file:";

  // Exercise boxes link the crate's folder relatively: that reaches the
  // checkout, or the server's /exercises/. A static host has neither, so
  // link the repository's copy (book.toml's crate-url), or show the path.
  if (!local) {
    for (const link of document.querySelectorAll("a.exercise-crate")) {
      if (link.dataset.remote) {
        link.href = link.dataset.remote;
      } else {
        link.replaceWith(...link.childNodes);
      }
    }
  }

  // Reload the page after the server rebuilt the book. Only our server
  // answers this URL, so nothing is requested anywhere else.
  if (served) {
    let seen = null;
    const check = async function () {
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
    };
    check();
  }
})();
