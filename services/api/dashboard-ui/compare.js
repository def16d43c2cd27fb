// Compare page (/compare?ids=a,b,…): each run's events from /api/runs/:id, its
// per-epoch curves overlaid (one line per run, x = epoch), and its options side
// by side: the run-started event's dataset, sample counts, batch size, epochs and
// options, then the results; a row whose values differ between runs is marked.
'use strict';
(async () => {
  const { el, pct, num, chart } = window.tp;
  const ids = (new URLSearchParams(location.search).get('ids') || '').split(',').filter(Boolean).slice(0, 12);
  const runs = await Promise.all(ids.map(async (id) => {
    const { events } = await window.tp.api(`/api/runs/${encodeURIComponent(id)}`);
    const started = events.filter((e) => e.type === 'run-started').pop();
    const epochs = new Map();
    for (const e of events) if (e.type === 'epoch-end') epochs.set(e.epoch, e);
    const finished = events.find((e) => e.type === 'run-finished');
    const vals = [...epochs.values()].map((e) => e.valAccuracy).filter((v) => v !== null);
    return { id, started, epochs, finished, bestVal: vals.length ? Math.max(...vals) : null, label: id.replace(/~/g, '/') };
  }));
  document.getElementById('count').textContent = `(${runs.length} runs)`;

  const xs = [...new Set(runs.flatMap((r) => [...r.epochs.keys()]))].sort((a, b) => a - b);
  const overlay = (target, title, field) => {
    const c = chart(document.getElementById(target), title, runs.map((r) => r.label));
    const data = [xs, ...runs.map((r) => xs.map((x) => r.epochs.get(x)?.[field] ?? null))];
    c.setData(data);
    (window.tpCompare ||= {})[field] = data; // what the chart shows, for tests
    document.getElementById(target).dataset.series = String(runs.length);
    document.getElementById(target).dataset.points = runs.map((r) => r.epochs.size).join(',');
  };
  overlay('cmp-val-acc', 'Validation accuracy', 'valAccuracy');
  overlay('cmp-val-loss', 'Validation loss', 'valLoss');
  overlay('cmp-acc', 'Training accuracy', 'accuracy');
  overlay('cmp-loss', 'Training loss', 'loss');

  const optionsOf = (r) => {
    const s = r.started || {};
    return { mode: s.mode, name: s.name, dataset: s.dataset, trainSamples: s.trainSamples, testSamples: s.testSamples, epochs: s.epochs, batchSize: s.batchSize, ...(s.options || {}) };
  };
  const results = (r) => ({ 'best val accuracy': pct(r.bestVal), 'test accuracy': pct(r.finished?.testAccuracy), 'test loss': num(r.finished?.testLoss, 4) });
  const table = runs.map((r) => ({ ...optionsOf(r), ...results(r) }));
  const keys = [...new Set(table.flatMap((o) => Object.keys(o)))];
  const show = (v) => (v === undefined ? '–' : String(v));
  document.querySelector('#cmp-options thead').replaceChildren(el('tr', {}, el('th', { text: 'option' }), ...runs.map((r) => el('th', { text: r.label }))));
  document.querySelector('#cmp-options tbody').replaceChildren(...keys.map((k) => {
    const values = table.map((o) => show(o[k]));
    const differs = new Set(values).size > 1;
    return el('tr', { class: differs ? 'diff' : '', 'data-option': k, 'data-differs': String(differs) }, el('th', { text: k }), ...values.map((v) => el('td', { text: v })));
  }));
  document.body.dataset.loaded = 'true';
})().catch((e) => {
  document.querySelector('main').append(window.tp.el('p', { class: 'notice failed', text: e.message }));
});
