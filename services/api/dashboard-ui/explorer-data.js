// The explorer's binary answer (services/api/src/dashboard/explorer-wire.ts) as typed arrays:
// 'TPX1' | u32 LE header length | header JSON | data (float32 outputs, int32 argmax, uint8 image).
'use strict';
window.tpDecodeExplanation = function decode(buf) {
  const magic = new TextDecoder().decode(new Uint8Array(buf, 0, 4));
  if (magic !== 'TPX1') throw new Error('not an explorer answer');
  const len = new DataView(buf).getUint32(4, true);
  const h = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, len)));
  const at = 8 + len;
  const f32 = (b) => new Float32Array(buf, at + b.offset, b.length);
  return {
    model: h.model,
    probabilities: h.probabilities,
    input: f32(h.input),
    pixels: new Uint8Array(buf, at + h.pixels.offset, h.pixels.length),
    layers: h.layers.map((l) => ({ ...l, values: f32(l.values) })),
    pools: h.pools.map((p) => ({ ...p, argmax: new Int32Array(buf, at + p.argmax.offset, p.argmax.length) })),
  };
};
