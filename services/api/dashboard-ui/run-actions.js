// Run page, model downloads and cancel. Downloads: /api/runs/:id/files lists the
// saved model's files (read once at load and again when the run ends), each a
// link to /runs/:id/files/:name (same auth as the page). Cancel: distributed jobs
// only, while running; POST /api/runs/:id/cancel with the X-Tensorpool-Action
// header the server requires of dashboard actions (run-actions.ts).
'use strict';
(() => {
  const { el } = window.tp;
  const id = window.tpRun.id;
  const path = `/api/runs/${encodeURIComponent(id)}`;
  const button = document.getElementById('cancel');
  const result = document.getElementById('cancel-result');

  async function files() {
    const { files } = await window.tp.api(`${path}/files`);
    const box = document.getElementById('files');
    box.dataset.files = String(files.length);
    if (!files.length) return;
    box.classList.remove('muted');
    box.replaceChildren(...files.map((f) => el('a', { href: `/runs/${encodeURIComponent(id)}/files/${encodeURIComponent(f.name)}`, download: f.name, 'data-file': f.name,
      text: `${f.name} (${f.bytes >= 1e6 ? `${(f.bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(f.bytes / 1e3)} kB`})` })));
  }

  async function cancel() {
    button.disabled = true;
    result.textContent = 'cancelling…';
    const r = await fetch(`${path}/cancel`, { method: 'POST', credentials: 'same-origin', headers: { 'x-tensorpool-action': '1', accept: 'application/json' } });
    const body = await r.json().catch(() => ({}));
    result.textContent = r.ok ? (body.cancelled ? 'cancelled: the workers stop at their next step' : `not cancelled: the job is ${body.state}`) : `refused: ${body.message || `HTTP ${r.status}`}`;
    result.dataset.status = String(r.status);
    if (!r.ok) button.disabled = false;
  }

  document.addEventListener('tp-run-event', ({ detail: e }) => {
    if (e.type === 'run-started') button.hidden = e.mode !== 'distributed';
  });
  document.addEventListener('tp-run-end', () => {
    button.hidden = true;
    files().catch((err) => (result.textContent = err.message));
  });
  button.addEventListener('click', () => void cancel().catch((err) => { result.textContent = err.message; button.disabled = false; }));
  button.classList.add('danger');
  files().catch((err) => (result.textContent = err.message));
})();
