// Runs list: /api/runs every 2 s (no page reload), filtered by state; the
// ticked runs (kept across refreshes) open in /compare?ids=a,b,….
'use strict';
const { el, pct, num, dur, time } = window.tp;
const filter = document.getElementById('filter');
let runs = [];
const selected = new Set();
const compare = document.getElementById('compare');

function row(r) {
  const frac = r.epochs ? Math.min(1, (r.epoch + (r.steps ? r.step / r.steps : 0)) / r.epochs) : 0;
  const bar = el('span', { class: 'bar' }, el('span', { style: `width:${(100 * frac).toFixed(1)}%` }));
  const tick = el('input', { type: 'checkbox', class: 'pick', 'aria-label': `compare ${r.id}` });
  tick.checked = selected.has(r.id);
  tick.addEventListener('change', () => {
    if (tick.checked) selected.add(r.id); else selected.delete(r.id);
    compare.disabled = selected.size < 2;
  });
  return el('tr', { 'data-run-id': r.id, 'data-state': r.state },
    el('td', {}, tick),
    // Local runs are told apart by their directory, jobs by their id; the model's name under it.
    el('td', {}, el('a', { href: `/runs/${encodeURIComponent(r.id)}`, text: r.mode === 'local' ? r.id.replace(/~/g, '/') : r.name }),
      el('div', { class: 'muted small', text: r.mode === 'local' ? r.name : r.id })),
    el('td', {}, el('span', { class: `badge ${r.state}`, text: r.state })),
    el('td', {}, bar, el('span', { class: 'epochs', text: `epoch ${r.epoch}/${r.epochs || '?'}` })),
    el('td', { class: 'num', text: dur(r.etaSeconds) }),
    el('td', { class: 'num', text: num(r.imagesPerSecond) }),
    el('td', { class: 'num', text: pct(r.bestValAccuracy) }),
    el('td', { class: 'num test-acc', text: pct(r.testAccuracy) }),
    el('td', { text: time(r.startedAt) }),
    el('td', { text: time(r.finishedAt) }));
}

function render() {
  const shown = runs.filter((r) => !filter.value || r.state === filter.value);
  document.querySelector('#runs tbody').replaceChildren(...shown.map(row));
  document.getElementById('empty').hidden = shown.length > 0;
}

async function refresh() {
  try {
    const r = await window.tp.api('/api/runs');
    runs = r.runs;
    document.getElementById('source').textContent = r.source === 'redis' ? 'distributed jobs (Redis)' : 'local runs (log directory)';
    render();
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  } finally {
    setTimeout(refresh, 2000);
  }
}
filter.addEventListener('change', render);
compare.addEventListener('click', () => (location.href = `/compare?ids=${[...selected].map(encodeURIComponent).join(',')}`));
refresh();
