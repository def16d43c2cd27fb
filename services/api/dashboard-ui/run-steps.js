// Run page, per-step curves: a point per `step` event (every N steps; x = the
// step counted from the run's start), the raw values faint and an exponential
// moving average on top (TensorBoard's smoothing, debiased so the first points
// are not pulled to 0). The slider re-smooths what is there; new points arrive live.
'use strict';
(() => {
  const { chart } = window.tp;
  const faint = (label, stroke) => ({ label, stroke, width: 1, points: { show: false }, alpha: 0.35 });
  const bold = (label, stroke) => ({ label, stroke, width: 2, points: { show: false } });
  const lossChart = chart(document.getElementById('step-loss-chart'), 'Training loss per step', [faint('raw', '#93c5fd'), bold('smoothed', '#2563eb')], 'step');
  const accChart = chart(document.getElementById('step-acc-chart'), 'Training accuracy per step', [faint('raw', '#fdba74'), bold('smoothed', '#f97316')], 'step');
  const slider = document.getElementById('smoothing');
  const points = []; // [globalStep, loss, accuracy]

  function smooth(values, w) {
    let m = 0;
    return values.map((v, i) => {
      m = w * m + (1 - w) * v;
      return m / (1 - w ** (i + 1));
    });
  }

  function draw() {
    const w = Number(slider.value);
    document.getElementById('smoothing-value').textContent = w.toFixed(2);
    const x = points.map((p) => p[0]);
    const loss = points.map((p) => p[1]);
    const acc = points.map((p) => p[2]);
    lossChart.setData([x, loss, smooth(loss, w)]);
    accChart.setData([x, acc, smooth(acc, w)]);
    for (const c of ['step-loss-chart', 'step-acc-chart']) document.getElementById(c).dataset.points = String(points.length);
    document.getElementById('no-steps').hidden = points.length > 0;
    document.getElementById('step-charts').hidden = false;
  }

  document.addEventListener('tp-run-event', ({ detail: e }) => {
    if (e.type === 'run-started') {
      points.length = 0; // a resumed run repeats its history
      document.getElementById('step-charts').hidden = e.mode === 'distributed'; // its workers report per shard
    }
    if (e.type !== 'step' || !(e.steps > 0)) return;
    points.push([(e.epoch - 1) * e.steps + e.step, e.loss, e.accuracy]);
    draw();
  });
  slider.addEventListener('input', draw);
})();
