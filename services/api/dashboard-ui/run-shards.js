// Run page, shards of a distributed job: one entry per (epoch, round, shard)
// from the shard-started/-finished/-retried events, so every round of an epoch
// shows (events before rounds existed count as round 1). The timeline draws each
// epoch on its own clock (first start to last finish): a bar per shard and round
// from its start to its finish, labelled with the worker; retried shards are
// marked, and a shard that took over 1.5x its round's median is a straggler.
'use strict';
(() => {
  const { el, num } = window.tp;
  const shards = new Map(); // "epoch/round/shard" -> {epoch, round, shard, worker, state, samples, seconds, retries, start, end}
  window.tpRun.shards = shards;
  const STRAGGLER = 1.5;

  function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const h = s.length >> 1;
    return s.length ? (s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2) : 0;
  }

  function stragglers(rows) {
    const out = new Set();
    const byRound = new Map();
    for (const r of rows) if (r.seconds !== undefined) byRound.set(`${r.epoch}/${r.round}`, [...(byRound.get(`${r.epoch}/${r.round}`) || []), r]);
    for (const rs of byRound.values()) {
      if (rs.length < 2) continue;
      const m = median(rs.map((r) => r.seconds));
      for (const r of rs) if (m > 0 && r.seconds > STRAGGLER * m) out.add(r);
    }
    return out;
  }

  function timeline(rows, slow) {
    const epochs = [...new Set(rows.map((r) => r.epoch))];
    return epochs.map((ep) => {
      const rs = rows.filter((r) => r.epoch === ep);
      const t0 = Math.min(...rs.map((r) => r.start));
      const t1 = Math.max(...rs.map((r) => r.end ?? r.start), t0 + 1);
      const span = t1 - t0;
      return el('div', { class: 'tl-epoch', 'data-epoch': String(ep) },
        el('div', { class: 'tl-title', text: `epoch ${ep} · ${((t1 - t0) / 1000).toFixed(1)} s` }),
        ...rs.map((r) => {
          const left = (100 * (r.start - t0)) / span;
          const width = Math.max(0.5, (100 * ((r.end ?? t1) - r.start)) / span);
          const cls = `tl-bar ${r.state}${slow.has(r) ? ' straggler' : ''}${r.retries ? ' retried' : ''}`;
          const label = `${r.worker}${r.retries ? ` ↻${r.retries}` : ''}${slow.has(r) ? ' (straggler)' : ''}`;
          return el('div', { class: 'tl-row' },
            el('span', { class: 'tl-label', text: `round ${r.round} · shard ${r.shard}` }),
            el('span', { class: 'tl-track' }, el('span', { class: cls, style: `left:${left.toFixed(2)}%;width:${width.toFixed(2)}%`, title: `${label}: ${num(r.seconds, 1)} s`, text: label })));
        }));
    });
  }

  function draw() {
    const rows = [...shards.values()].sort((a, b) => a.epoch - b.epoch || a.round - b.round || a.shard - b.shard);
    const slow = stragglers(rows);
    document.querySelector('#shards tbody').replaceChildren(...rows.map((s) => el('tr', { class: slow.has(s) ? 'straggler' : '' },
      el('td', { text: String(s.epoch) }), el('td', { text: String(s.round) }), el('td', { text: String(s.shard) }), el('td', { text: s.worker }),
      el('td', { text: s.state }), el('td', { class: 'num', text: num(s.samples) }), el('td', { class: 'num', text: num(s.seconds, 1) }),
      el('td', { class: 'num', text: String(s.retries) }))));
    document.getElementById('timeline').replaceChildren(...timeline(rows, slow));
    document.getElementById('no-shards').hidden = rows.length > 0;
  }

  document.addEventListener('tp-run-event', ({ detail: e }) => {
    if (!e.type.startsWith('shard-')) return;
    const round = e.round ?? 1;
    const k = `${e.epoch}/${round}/${e.shard}`;
    const prev = shards.get(k) || { retries: 0, start: e.t };
    const next = { ...prev, epoch: e.epoch, round, shard: e.shard, worker: e.worker, state: e.type.slice(6) };
    if (e.type === 'shard-retried') next.retries = Math.max(prev.retries, e.attempt);
    if (e.type === 'shard-started') Object.assign(next, { start: e.t, end: undefined });
    if (e.type === 'shard-finished') Object.assign(next, { samples: e.samples, seconds: e.seconds, end: e.t });
    shards.set(k, next);
    draw();
  });
})();
