// Run page: the test images saved with the finished model (samples.json + samples.png),
// misclassified first, with true and predicted labels; each links to the pooling explorer.
// Loaded once the run has ended (run.js sets body[data-ended]).
'use strict';
(() => {
  const { el } = window.tp;
  const runId = decodeURIComponent(location.pathname.split('/').pop());
  const box = document.getElementById('samples');
  let loaded = false;
  async function load() {
    if (loaded) return;
    loaded = true;
    const r = await fetch(`/api/runs/${encodeURIComponent(runId)}/samples`, { credentials: 'same-origin' });
    if (!r.ok && r.status !== 404) throw new Error(`could not load the samples: HTTP ${r.status}`);
    const s = r.ok ? await r.json() : { model: null };
    if (!s.model) { document.getElementById('samples-note').textContent = '(none saved with this run)'; return; }
    const sprite = new Image();
    sprite.src = `/api/models/${encodeURIComponent(s.model)}/samples.png`;
    await sprite.decode();
    const [h, w] = s.shape;
    const wrong = s.samples.filter((x) => x.label !== x.predicted).length;
    document.getElementById('samples-note').textContent = `${s.misclassified} of ${s.testSamples} test images misclassified; showing ${s.samples.length} (${wrong} misclassified first)`;
    box.dataset.misclassified = String(s.misclassified);
    box.dataset.testSamples = String(s.testSamples);
    box.replaceChildren(...s.samples.map((x, k) => {
      const cv = el('canvas', { width: w, height: h });
      cv.getContext('2d').drawImage(sprite, (k % s.columns) * w, Math.floor(k / s.columns) * h, w, h, 0, 0, w, h);
      const p = x.probabilities[x.predicted];
      const ok = x.label === x.predicted;
      return el('a', { class: `sample ${ok ? 'right' : 'wrong'}`, href: `/explorer?model=${encodeURIComponent(s.model)}&sample=${k}`, 'data-label': s.labels[x.label], 'data-predicted': s.labels[x.predicted], 'data-correct': String(ok), title: 'open in the pooling explorer' },
        cv, el('span', { class: 'pred', text: `${s.labels[x.predicted]} ${(100 * p).toFixed(0)}%` }), el('span', { class: 'true', text: ok ? '✓' : `true: ${s.labels[x.label]}` }));
    }));
    box.dataset.count = String(s.samples.length);
  }
  // A failed fetch (the server restarting, a dropped connection) is retried a few
  // times with backoff instead of leaving the grid empty for the page's life.
  let attempts = 0;
  const check = () => {
    if (document.body.dataset.ended !== 'true') return;
    load().catch((e) => {
      document.getElementById('samples-note').textContent = e.message;
      loaded = false;
      if (++attempts < 6) setTimeout(check, 500 * 2 ** attempts);
    });
  };
  new MutationObserver(check).observe(document.body, { attributes: true, attributeFilter: ['data-ended'] });
  check();
})();
