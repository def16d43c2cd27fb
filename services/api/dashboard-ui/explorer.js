// Pooling explorer: pick a model, upload an image or choose one of its saved test
// samples; the server runs the real model (POST /api/models/:id/explain) and the page
// draws the input, every conv layer's feature maps and every MaxPooling2D layer's
// windows. window.tpExplorer holds the decoded numbers (tests read them).
'use strict';
const { el, api } = window.tp;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

function range(values, c, ch) {
  let lo = Infinity, hi = -Infinity;
  for (let i = ch; i < values.length; i += c) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
  return [lo, hi];
}

/** Channel ch of values [h, w, c] as a gray canvas (lo..hi), shown `scale` times larger. */
function mapCanvas(values, [h, w, c], ch, scale, lo, hi) {
  if (lo === undefined) [lo, hi] = range(values, c, ch);
  const cv = el('canvas', { width: w, height: h, class: 'pix' });
  const img = cv.getContext('2d').createImageData(w, h);
  const span = hi > lo ? hi - lo : 1;
  for (let i = 0; i < h * w; i++) {
    const g = Math.round((255 * (values[i * c + ch] - lo)) / span);
    img.data.set([g, g, g, 255], i * 4);
  }
  cv.getContext('2d').putImageData(img, 0, 0);
  cv.style.width = `${w * scale}px`;
  cv.style.height = `${h * scale}px`;
  return cv;
}

function drawInput(d) {
  const [h, w, c] = d.model.inputShape;
  const cv = $('input');
  cv.width = w; cv.height = h;
  const img = cv.getContext('2d').createImageData(w, h);
  for (let i = 0; i < h * w; i++) img.data.set(c === 3 ? [d.pixels[3 * i], d.pixels[3 * i + 1], d.pixels[3 * i + 2], 255] : [d.pixels[i], d.pixels[i], d.pixels[i], 255], i * 4);
  cv.getContext('2d').putImageData(img, 0, 0);
  const s = Math.max(1, Math.round(224 / Math.max(h, w)));
  cv.style.width = `${w * s}px`; cv.style.height = `${h * s}px`;
  $('input-note').textContent = `${h}×${w}×${c}, resized and normalized as in training`;
  const top = d.probabilities.map((p, i) => [p, d.model.labels[i]]).sort((a, b) => b[0] - a[0]).slice(0, 5);
  $('top').tBodies[0].replaceChildren(...top.map(([p, l], i) => el('tr', i ? {} : { class: 'best' }, el('td', { text: l }), el('td', { class: 'num', text: `${(100 * p).toFixed(1)}%` }))));
}

function convSection(l, step) {
  const [h, w, c] = l.shape;
  const s = Math.max(1, Math.min(4, Math.floor(96 / Math.max(h, w))));
  const maps = el('div', { class: 'maps' });
  for (let ch = 0; ch < c; ch++) maps.append(el('div', { class: 'map', 'data-channel': String(ch) }, mapCanvas(l.values, l.shape, ch, s), el('span', { text: `#${ch}` })));
  return el('section', { 'data-step': String(step), 'data-type': 'conv2d' },
    el('h2', { text: `${l.name}: ${c} feature maps of ${h}×${w}${l.relu ? ' (after ReLU)' : ''}` }), maps);
}

/** The crop as two tables: input cells (windows outlined, each window's maximum marked) and the output cells they became. */
function cropTables(p, inValues, outValues, view, n, [y0, x0, y1, x1]) {
  const [h, w, c] = p.inShape;
  const ow = p.outShape[1];
  const maxima = new Set();
  for (let oy = view.oy; oy < view.oy + n; oy++) for (let ox = view.ox; ox < view.ox + n; ox++) maxima.add(p.argmax[(oy * ow + ox) * c + view.ch]);
  const inRows = [];
  for (let y = Math.max(0, y0); y < Math.min(h, y1); y++) {
    const tds = [];
    for (let x = Math.max(0, x0); x < Math.min(w, x1); x++) {
      const i = (y * w + x) * c + view.ch;
      const cls = [maxima.has(i) ? 'max' : '', (x + p.pad[1] + 1) % p.strides[1] === 0 ? 'wr' : '', (y + p.pad[0] + 1) % p.strides[0] === 0 ? 'wb' : ''].filter(Boolean).join(' ');
      tds.push(el('td', { class: cls, 'data-index': String(i), text: fmt(inValues[i]) }));
    }
    inRows.push(el('tr', {}, ...tds));
  }
  const outRows = [];
  for (let oy = view.oy; oy < view.oy + n; oy++) {
    const tds = [];
    for (let ox = view.ox; ox < view.ox + n; ox++) {
      const i = (oy * ow + ox) * c + view.ch;
      tds.push(el('td', { class: 'out', 'data-index': String(i), text: fmt(outValues[i]) }));
    }
    outRows.push(el('tr', {}, ...tds));
  }
  return [el('table', { class: 'crop crop-in' }, el('tbody', {}, ...inRows)), el('div', { class: 'arrow', text: `max ${p.window[0]}×${p.window[1]} →` }), el('table', { class: 'crop crop-out' }, el('tbody', {}, ...outRows))];
}

/** A MaxPooling2D step: its input channel with a movable crop; the crop's values, windows and maxima next to the output values they became. */
function poolSection(d, p) {
  const inValues = p.inputStep < 0 ? d.input : d.layers[p.inputStep].values;
  const out = d.layers[p.step];
  const [h, w, c] = p.inShape;
  const [oh, ow] = p.outShape;
  const inName = p.inputStep < 0 ? 'the input' : d.layers[p.inputStep].name;
  const view = { ch: 0, n: 4, oy: 0, ox: 0 };
  const channel = el('input', { type: 'number', min: '0', max: String(c - 1), value: '0', class: 'channel' });
  const zoom = el('select', { class: 'zoom' }, ...[2, 3, 4, 6, 8].map((n) => el('option', n === 4 ? { value: String(n), selected: '' } : { value: String(n) }, `${n}×${n} windows`)));
  const overview = el('div', { class: 'overview' });
  const crops = el('div', { class: 'row crops' });
  const scale = Math.max(2, Math.floor(224 / Math.max(h, w)));
  /** Centres the crop on the channel's largest output value (where pooling has something to choose). */
  function focus() {
    let best = view.ch;
    for (let i = view.ch; i < out.values.length; i += c) if (out.values[i] > out.values[best]) best = i;
    const o = Math.floor(best / c);
    view.oy = Math.max(0, Math.min(oh - view.n, Math.floor(o / ow) - (view.n >> 1)));
    view.ox = Math.max(0, Math.min(ow - view.n, (o % ow) - (view.n >> 1)));
  }
  function draw() {
    const [lo, hi] = range(inValues, c, view.ch);
    const cv = mapCanvas(inValues, p.inShape, view.ch, scale, lo, hi);
    cv.title = 'click to move the crop';
    cv.addEventListener('click', (ev) => {
      const r = cv.getBoundingClientRect();
      const y = Math.floor(((ev.clientY - r.top) / r.height) * h), x = Math.floor(((ev.clientX - r.left) / r.width) * w);
      view.oy = Math.max(0, Math.min(oh - view.n, Math.floor((y + p.pad[0]) / p.strides[0]) - (view.n >> 1)));
      view.ox = Math.max(0, Math.min(ow - view.n, Math.floor((x + p.pad[1]) / p.strides[1]) - (view.n >> 1)));
      draw();
    });
    const frame = el('div', { class: 'frame' }, cv);
    frame.style.position = 'relative';
    const box = el('div');
    const n = Math.min(view.n, oh, ow);
    const y0 = view.oy * p.strides[0] - p.pad[0], x0 = view.ox * p.strides[1] - p.pad[1];
    const y1 = (view.oy + n - 1) * p.strides[0] - p.pad[0] + p.window[0], x1 = (view.ox + n - 1) * p.strides[1] - p.pad[1] + p.window[1];
    Object.assign(box.style, { position: 'absolute', left: `${Math.max(0, x0) * scale}px`, top: `${Math.max(0, y0) * scale}px`, width: `${(Math.min(w, x1) - Math.max(0, x0)) * scale}px`, height: `${(Math.min(h, y1) - Math.max(0, y0)) * scale}px`, border: '2px solid #dc2626', boxSizing: 'border-box', pointerEvents: 'none' });
    frame.append(box);
    overview.replaceChildren(el('div', { class: 'map' }, frame, el('span', { text: `${inName} · channel #${view.ch}` })),
      el('div', { class: 'arrow', text: '→' }),
      el('div', { class: 'map' }, mapCanvas(out.values, out.shape, view.ch, scale * p.strides[0], lo, hi), el('span', { text: `${out.name} · channel #${view.ch}` })));
    crops.replaceChildren(...cropTables(p, inValues, out.values, view, n, [y0, x0, y1, x1]));
  }
  channel.addEventListener('change', () => { view.ch = Math.max(0, Math.min(c - 1, Number(channel.value) || 0)); focus(); draw(); });
  zoom.addEventListener('change', () => { view.n = Number(zoom.value); view.oy = Math.min(view.oy, Math.max(0, oh - view.n)); view.ox = Math.min(view.ox, Math.max(0, ow - view.n)); draw(); });
  focus();
  draw();
  return el('section', { class: 'pool-section', 'data-step': String(p.step), 'data-type': 'maxPooling2d' },
    el('h2', { text: `${out.name}: ${inName} ${h}×${w}×${c} → ${oh}×${ow}×${c} (${p.window[0]}×${p.window[1]} windows, stride ${p.strides[0]})` }),
    el('div', { class: 'pool' }, el('div', { class: 'controls' }, el('label', {}, 'Channel ', channel), el('label', {}, 'Crop ', zoom)), overview, crops));
}

function render(d) {
  window.tpExplorer = d;
  drawInput(d);
  const sections = [];
  d.layers.forEach((l, step) => { if (l.type === 'conv2d') sections.push(convSection(l, step)); });
  for (const p of d.pools) sections.push(poolSection(d, p));
  sections.sort((a, b) => Number(a.dataset.step) - Number(b.dataset.step));
  $('steps').replaceChildren(...sections);
  $('result').hidden = false;
}

async function explain(model, body, query = '') {
  document.body.dataset.state = 'busy';
  $('status').textContent = 'running the model…';
  const t0 = performance.now();
  const r = await fetch(`/api/models/${encodeURIComponent(model)}/explain${query}`, { method: 'POST', credentials: 'same-origin', body, headers: body ? { 'content-type': body.type || 'application/octet-stream' } : {} });
  if (r.status === 401) { location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`; return; }
  if (!r.ok) {
    const e = await r.json().catch(() => ({ message: `HTTP ${r.status}` }));
    $('status').textContent = `refused: ${e.message}`;
    document.body.dataset.state = 'error';
    return;
  }
  render(window.tpDecodeExplanation(await r.arrayBuffer()));
  $('status').textContent = `computed in ${((performance.now() - t0) / 1000).toFixed(2)} s`;
  document.body.dataset.state = 'ready';
}

async function loadChoices(model) {
  $('choices').replaceChildren();
  const m = window.tpModels.find((x) => x.id === model);
  if (!m || !m.samples) return;
  const s = await api(`/api/models/${encodeURIComponent(model)}/samples`);
  const sprite = new Image();
  sprite.src = `/api/models/${encodeURIComponent(model)}/samples.png`;
  await sprite.decode();
  const [h, w] = s.shape;
  s.samples.forEach((x, k) => {
    const cv = el('canvas', { width: w, height: h, 'data-sample': String(k), title: `true ${s.labels[x.label]}, predicted ${s.labels[x.predicted]}`, class: x.label === x.predicted ? '' : 'wrong' });
    cv.style.width = `${Math.max(w, 48)}px`;
    cv.getContext('2d').drawImage(sprite, (k % s.columns) * w, Math.floor(k / s.columns) * h, w, h, 0, 0, w, h);
    cv.addEventListener('click', () => {
      for (const o of $('choices').children) o.classList.toggle('on', o === cv);
      void explain(model, undefined, `?sample=${k}`);
    });
    $('choices').append(cv);
  });
}

async function main() {
  const { models } = await api('/api/models');
  window.tpModels = models;
  if (!models.length) { $('status').textContent = 'No saved models yet.'; return; }
  $('model').replaceChildren(...models.map((m) => el('option', { value: m.id, text: m.id })));
  const wanted = params.get('model');
  if (wanted && models.some((m) => m.id === wanted)) $('model').value = wanted;
  $('model').addEventListener('change', () => void loadChoices($('model').value));
  $('file').addEventListener('change', () => { const f = $('file').files[0]; if (f) void explain($('model').value, f); });
  await loadChoices($('model').value);
  const k = params.get('sample');
  if (k !== null && /^\d+$/.test(k)) $('choices').querySelector(`canvas[data-sample="${k}"]`)?.click();
}
main().catch((e) => { $('status').textContent = e.message; });
