// The site's small enhancements on top of htmx, loaded on every page (every form also works without this file).
//
// Forms marked data-keep-answers (the quiz, "mark as complete"): htmx disables their buttons while
// a submission is on its way (hx-disable) and leaves the form in place when it fails (an htmx:error
// for no connection or a timeout, a 5xx that hx-status:5xx keeps from being swapped in). Then this
// shows the form's own message (rendered hidden, in the page's language): what was entered is still
// there, and "Send again" sends the same form, with the same idempotency key, so a submission that
// did reach the server is not recorded twice.
//
// Buttons with data-copy copy the text of the field they name (the link to a certificate).
(() => {
  document.documentElement.classList.add('js');

  const failed = new WeakSet();
  const keepsAnswers = (elt) => (elt instanceof HTMLFormElement && elt.hasAttribute('data-keep-answers') ? elt : null);

  document.addEventListener('htmx:before:request', (event) => {
    const form = keepsAnswers(event.target);
    if (!form) return;
    failed.delete(form);
    form.setAttribute('aria-busy', 'true');
    const box = form.querySelector('.submit-failed');
    if (box) box.hidden = true;
  });

  document.addEventListener('htmx:error', (event) => {
    const form = keepsAnswers(event.target);
    if (form) failed.add(form);
  });

  document.addEventListener('htmx:response:error', (event) => {
    const form = keepsAnswers(event.target);
    if (form && event.detail?.ctx?.response?.status >= 500) failed.add(form);
  });

  document.addEventListener('htmx:finally:request', (event) => {
    const form = keepsAnswers(event.target);
    if (!form) return;
    form.removeAttribute('aria-busy');
    if (!failed.has(form) || !form.isConnected) return;
    const box = form.querySelector('.submit-failed');
    if (!box) return;
    box.hidden = false;
    // htmx gives the buttons back just after this event: focus the retry once it has.
    setTimeout(() => box.querySelector('[data-retry]')?.focus(), 0);
  });

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const retry = target?.closest('[data-retry]');
    if (retry) {
      retry.form?.requestSubmit();
      return;
    }
    const copy = target?.closest('[data-copy]');
    if (copy) copyLink(copy);
  });

  // ---- Cohort matrix: "all on this page" ticks every row (owned by the cohort pages). Without this
  // script the box sends the page's ids itself (see views/cohorts/_table.ejs), so it still works.
  document.addEventListener('change', (event) => {
    const box = event.target instanceof HTMLInputElement ? event.target : null;
    const form = box?.closest('[data-bulk-form]');
    if (!box || !form) return;
    const rows = [...form.querySelectorAll('input[data-pick]')];
    const all = form.querySelector('input[data-pick-all]');
    if (box.hasAttribute('data-pick-all')) {
      for (const row of rows) row.checked = box.checked;
    } else if (all) {
      all.checked = rows.length > 0 && rows.every((row) => row.checked);
    }
  });
  // ---- end of the cohort matrix section

  async function copyLink(button) {
    const field = document.getElementById(button.getAttribute('data-copy'));
    const status = button.closest('.share-link')?.querySelector('.copy-status');
    if (!field) return;
    let copied = false;
    try {
      await navigator.clipboard.writeText(field.value);
      copied = true;
    } catch {
      // No clipboard API (an insecure origin, an old browser): the selection is what is left.
      field.select();
      copied = document.execCommand?.('copy') ?? false;
    }
    if (status) status.textContent = status.getAttribute(copied ? 'data-copied' : 'data-copy-failed');
  }
})();
