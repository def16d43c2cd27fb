// Workers page: /api/workers every 2 s (live heartbeats and queue depths).
'use strict';
const { el, num } = window.tp;
const CARDS = [['jobsActive', 'jobs queued or running'], ['shardsWaiting', 'shards waiting'], ['shardsActive', 'shards training'], ['shardsDone', 'shards done'], ['shardsRejected', 'shards rejected'], ['imagesPerSecond', 'images/s (all workers)']];

async function refresh() {
  try {
    const { workers, queues } = await window.tp.api('/api/workers');
    document.getElementById('queues').replaceChildren(...CARDS.filter(([k]) => k in queues)
      .map(([k, label]) => el('div', { class: 'card', 'data-key': k }, el('b', { text: num(queues[k]) }), el('span', { text: label }))));
    document.querySelector('#workers tbody').replaceChildren(...workers.map((w) => el('tr', { 'data-worker': w.id },
      el('td', { text: w.id }), el('td', { text: w.host ?? '–' }), el('td', { class: 'num', text: String(w.pid ?? '–') }),
      el('td', { class: 'num', text: String(w.threads ?? '–') }), el('td', { class: 'num', text: `${w.busy}/${w.concurrency}` }),
      el('td', { class: 'num', text: num(w.imagesPerSecond) }), el('td', { class: 'num', text: String(w.shardsDone) }),
      el('td', { text: w.at ? `${Math.max(0, Math.round((Date.now() - w.at) / 1000))} s ago` : '–' }))));
    document.getElementById('none').hidden = workers.length > 0;
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  } finally {
    setTimeout(refresh, 2000);
  }
}
refresh();
