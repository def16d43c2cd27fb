// Run page: every event over SSE (/runs/:id/events), curves per epoch (uPlot),
// the confusion matrix when the run finishes. Every event and the end are also
// dispatched on document ('tp-run-event', 'tp-run-end') for run-steps.js, run-shards.js, run-actions.js.
// window.tpRun holds what the page shows (tests read it; nothing else does).
'use strict';
const { el, pct, num, dur, chart } = window.tp;
const id = decodeURIComponent(location.pathname.split('/').pop());
const state = window.tpRun = { id, started: null, epochs: [], epochsTotal: 0, step: null, finished: null, ended: null };

const lossChart = chart(document.getElementById('loss-chart'), 'Loss', ['train', 'validation']);
const accChart = chart(document.getElementById('acc-chart'), 'Accuracy', ['train', 'validation']);
// Throughput over time: a point per step event (every N steps) and per epoch end.
const ipsChart = chart(document.getElementById('ips-chart'), 'Throughput (images/s)', ['images/s'], 'seconds since start');
const ips = [];

function drawThroughput(e) {
  if (!state.started || !(e.imagesPerSecond > 0)) return;
  ips.push([(e.t - state.started.t) / 1000, e.imagesPerSecond]);
  ipsChart.setData([ips.map((p) => p[0]), ips.map((p) => p[1])]);
  document.getElementById('ips-chart').dataset.points = String(ips.length);
}

function drawCurves() {
  const x = state.epochs.map((e) => e.epoch);
  lossChart.setData([x, state.epochs.map((e) => e.loss), state.epochs.map((e) => e.valLoss)]);
  accChart.setData([x, state.epochs.map((e) => e.accuracy), state.epochs.map((e) => e.valAccuracy)]);
  // The explicit signal tests wait on: one point per finished epoch.
  for (const c of ['loss-chart', 'acc-chart']) document.getElementById(c).dataset.points = String(x.length);
}

function drawCards() {
  const s = state.started;
  const last = state.epochs[state.epochs.length - 1];
  const done = state.epochs.length;
  document.getElementById('c-epoch').textContent = `${done}/${state.epochsTotal || '?'}`;
  const live = !state.ended && s && done > 0;
  const eta = live ? ((Date.now() - s.t) / 1000 / done) * (state.epochsTotal - done) : null;
  document.getElementById('c-eta').textContent = state.ended ? 'done' : dur(eta);
  document.getElementById('c-ips').textContent = num(state.step?.imagesPerSecond ?? last?.imagesPerSecond);
  const vals = state.epochs.map((e) => e.valAccuracy).filter((v) => v !== null);
  document.getElementById('c-val').textContent = vals.length ? pct(Math.max(...vals)) : '–';
  document.getElementById('c-test').textContent = pct(state.finished?.testAccuracy);
}

function drawConfusion(f) {
  const k = f.labels.length;
  const table = el('table', { class: 'cm', id: 'cm-table', 'data-test-samples': String(f.testSamples) });
  table.append(el('tr', {}, el('th', { text: 'true \\ predicted' }), ...f.labels.map((l) => el('th', { class: 'rot', title: l, text: l })), el('th', { text: 'class acc' })));
  for (let i = 0; i < k; i++) {
    const row = f.confusionMatrix[i];
    const n = row.reduce((a, b) => a + b, 0);
    const tr = el('tr', {}, el('th', { text: f.labels[i] }));
    row.forEach((c, j) => {
      const a = n ? c / n : 0;
      const color = i === j ? `rgba(21,128,61,${0.1 + 0.8 * a})` : `rgba(185,28,28,${c ? 0.08 + 0.8 * a : 0})`;
      tr.append(el('td', { class: 'cm-cell', 'data-count': String(c), style: `background:${color};color:${a > 0.55 ? '#fff' : 'inherit'}`, title: `${f.labels[i]} → ${f.labels[j]}: ${c}`, text: String(c) }));
    });
    tr.append(el('td', { class: 'num class-acc', text: n ? pct(row[i] / n) : '–' }));
    table.append(tr);
  }
  document.getElementById('cm').replaceChildren(table);
  document.getElementById('cm-note').textContent = `(${f.testSamples} test images, test loss ${num(f.testLoss, 4)})`;
}

function setNotice(text, cls) {
  const n = document.getElementById('notice');
  n.textContent = text;
  n.className = `notice ${cls || ''}`;
}

function setState(s) {
  const b = document.getElementById('state');
  b.textContent = s;
  b.className = `badge ${s}`;
  document.body.dataset.state = s;
}

function onEvent(e) {
  switch (e.type) {
    case 'run-started':
      state.started = e;
      state.epochsTotal = e.epochs;
      state.epochs = state.epochs.filter((x) => x.epoch < 1); // a resumed run repeats its history from its events
      document.getElementById('name').textContent = e.name;
      document.title = `tensorpool · ${e.name}`;
      setState('running');
      document.querySelector('#options tbody').replaceChildren(...Object.entries({ dataset: e.dataset, trainSamples: e.trainSamples, testSamples: e.testSamples, batchSize: e.batchSize, ...e.options })
        .map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: String(v) }))));
      break;
    case 'step': state.step = e; drawThroughput(e); break;
    case 'epoch-end':
      state.epochs = state.epochs.filter((x) => x.epoch !== e.epoch).concat([e]).sort((a, b) => a.epoch - b.epoch);
      state.epochsTotal = e.epochs;
      drawCurves();
      if (!state.step || state.step.epoch !== e.epoch) drawThroughput(e); // no step event this epoch
      break;
    case 'run-finished': state.finished = e; setState('completed'); drawConfusion(e); break;
    case 'run-failed': setState('failed'); setNotice(`failed: ${e.message}`, 'failed'); break;
    case 'run-cancelled': setState('cancelled'); break;
  }
  drawCards();
  document.dispatchEvent(new CustomEvent('tp-run-event', { detail: e }));
}

// Connected once every script of the page has run, so the listeners of
// run-steps.js, run-shards.js and run-actions.js see the first event too.
function connect() {
  const source = new EventSource(`/runs/${encodeURIComponent(id)}/events`);
  source.addEventListener('open', () => { if (!state.ended) setNotice('live: updates as the run trains'); });
  source.addEventListener('run', (m) => onEvent(JSON.parse(m.data)));
  source.addEventListener('end', (m) => {
    state.ended = JSON.parse(m.data).state;
    source.close();
    const s = document.body.dataset.state || 'ended';
    setNotice(`this run has ${s === 'running' ? 'ended' : s}: live updates stopped`, s === 'failed' ? 'failed' : 'ended');
    document.body.dataset.ended = 'true';
    drawCards();
    document.dispatchEvent(new CustomEvent('tp-run-end', { detail: state.ended }));
  });
  source.addEventListener('error', () => {
    if (state.ended) return;
    // The browser reconnects by itself (with Last-Event-ID); a 401/404 closes it for good.
    if (source.readyState === EventSource.CLOSED) window.tp.api(`/api/runs/${encodeURIComponent(id)}`).then(() => setNotice('event stream closed', 'ended'), (err) => setNotice(err.message, 'failed'));
    else setNotice('reconnecting…');
  });
}
document.addEventListener('DOMContentLoaded', connect);
setInterval(drawCards, 1000);
