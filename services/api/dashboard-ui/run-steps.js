// Run page, per-step curves: a point per `step` event (every N steps; x = the
// step counted from the run's start), the raw values faint and an exponential
// moving average on top (TensorBoard's smoothing, debiased so the first points
// are not pulled to 0). A distributed job's workers report per shard (x = the
// step of the shard's epoch counted from the run's start): one smoothed line
// per shard. The slider re-smooths what is there; new points arrive live.
'use strict';
(() => {
  const { chart } = window.tp;
  const faint = (label, stroke) => ({ label, stroke, width: 1, points: { show: false }, alpha: 0.35 });
  const bold = (label, stroke) => ({ label, stroke, width: 2, points: { show: false } });
  const slider = document.getElementById('smoothing');
  const points = []; // [globalStep, loss, accuracy, shard (-1 = local)]
  let shards = 0; // 0 = a local run
  let charts = [];

  function build() {
    for (const c of charts) c.destroy();
    const el = (id) => document.getElementById(id);
    if (shards === 0) {
      charts = [
        chart(el('step-loss-chart'), 'Training loss per step', [faint('raw', '#93c5fd'), bold('smoothed', '#2563eb')], 'step'),
        chart(el('step-acc-chart'), 'Training accuracy per step', [faint('raw', '#fdba74'), bold('smoothed', '#f97316')], 'step'),
      ];
    } else {
      const lines = Array.from({ length: shards }, (_, s) => ({ label: `shard ${s}`, width: 2, points: { show: false } }));
      charts = [chart(el('step-loss-chart'), 'Training loss per step, per shard', lines, 'step'), chart(el('step-acc-chart'), 'Training accuracy per step, per shard', lines, 'step')];
    }
  }

  function smooth(values, w) {
    let m = 0;
    return values.map((v, i) => {
      m = w * m + (1 - w) * v;
      return m / (1 - w ** (i + 1));
    });
  }

  // Distributed: x = every step any shard reported, each shard's smoothed values at its own steps (null elsewhere).
  function perShard(col, w) {
    const x = [...new Set(points.map((p) => p[0]))].sort((a, b) => a - b);
    const at = new Map(x.map((v, i) => [v, i]));
    const ys = Array.from({ length: shards }, (_, s) => {
      const mine = points.filter((p) => p[3] === s);
      const y = new Array(x.length).fill(null);
      smooth(mine.map((p) => p[col]), w).forEach((v, i) => { y[at.get(mine[i][0])] = v; });
      return y;
    });
    return [x, ...ys];
  }

  function draw() {
    const w = Number(slider.value);
    document.getElementById('smoothing-value').textContent = w.toFixed(2);
    if (shards === 0) {
      const x = points.map((p) => p[0]);
      const loss = points.map((p) => p[1]);
      const acc = points.map((p) => p[2]);
      charts[0].setData([x, loss, smooth(loss, w)]);
      charts[1].setData([x, acc, smooth(acc, w)]);
    } else {
      charts[0].setData(perShard(1, w));
      charts[1].setData(perShard(2, w));
    }
    for (const c of ['step-loss-chart', 'step-acc-chart']) document.getElementById(c).dataset.points = String(points.length);
    document.getElementById('no-steps').hidden = points.length > 0;
  }

  build();
  document.addEventListener('tp-run-event', ({ detail: e }) => {
    if (e.type === 'run-started') {
      points.length = 0; // a resumed run repeats its history
      const n = e.mode === 'distributed' ? Number(e.options.shards) : 0;
      shards = Number.isSafeInteger(n) && n > 0 && n <= 64 ? n : 0;
      build();
      draw();
    }
    if (e.type !== 'step' || !(e.steps > 0)) return;
    const shard = shards > 0 && Number.isSafeInteger(e.shard) && e.shard < shards ? e.shard : -1;
    if (shards > 0 && shard < 0) return; // a distributed job's steps name their shard
    points.push([(e.epoch - 1) * e.steps + e.step, e.loss, e.accuracy, shard]);
    // data-shard<k>: the points of shard k (what the browser test reads).
    if (shard >= 0) document.getElementById('step-loss-chart').dataset[`shard${shard}`] = String(points.filter((p) => p[3] === shard).length);
    draw();
  });
  slider.addEventListener('input', draw);
})();
