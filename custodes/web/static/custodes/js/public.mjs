// The public reporting pages: progressive enhancement only. An external module, as the CSP requires.

// A print button for the receipt slip. Without JavaScript the button stays hidden (.custodes-print-only-with-js)
// and the browser's own print command prints the same slip.
for (const button of document.querySelectorAll('[data-module="custodes-print"]')) {
  button.addEventListener("click", () => window.print());
}

// The receipt form: swap the typed receipt for a short-lived sealed copy before posting, so the request the
// browser keeps in its history (and could post again) holds no receipt that lasts. If anything goes wrong, the
// form posts the typed receipt as it would without JavaScript.
for (const form of document.querySelectorAll("form[data-seal-receipt]")) {
  form.addEventListener("submit", async (event) => {
    if (form.dataset.sealed) return;
    event.preventDefault();
    const typed = form.querySelector('input[name="receipt"]');
    try {
      const response = await fetch(form.dataset.sealReceipt, {
        method: "POST",
        body: new URLSearchParams({ receipt: typed.value }),
        credentials: "omit",
        cache: "no-store",
      });
      if (response.ok) {
        const { token } = await response.json();
        const sealed = document.createElement("input");
        sealed.type = "hidden";
        sealed.name = "receipt_token";
        sealed.value = token;
        form.append(sealed);
        typed.disabled = true; // a disabled field is not posted
      }
    } catch {
      // Post the typed receipt instead.
    }
    form.dataset.sealed = "true";
    form.submit();
  });
}
