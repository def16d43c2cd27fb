// One uPlot line chart (x = epoch unless told), shared by the run and compare pages.
// `series` are labels, or {label, stroke, width, points} to override a line's look.
'use strict';
window.tp.chart = function chart(target, title, series, xLabel = 'epoch') {
  const width = Math.max(360, target.parentElement.clientWidth - 16);
  const colors = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2'];
  return new uPlot({
    title, width, height: 240,
    scales: { x: { time: false } },
    legend: { live: false },
    axes: [xLabel === 'epoch' ? { label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100] } : { label: xLabel }, {}],
    series: [{ label: xLabel }, ...series.map((s, i) => ({ stroke: colors[i % colors.length], width: 2, points: { size: 6 }, spanGaps: true, ...(typeof s === 'string' ? { label: s } : s) }))],
  }, [[], ...series.map(() => [])], target);
};
