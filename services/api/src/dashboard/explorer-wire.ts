/**
 * The explorer's answer as one binary body the page reads with typed arrays
 * (dashboard-ui/explorer-data.js), and tests too:
 *   'TPX1' | u32 LE header length | header JSON (utf8, space-padded to 4 bytes) | data
 * The header names each array's place in the data (byte offset, length in
 * elements): layer outputs and the normalized input as float32, pooling
 * argmax as int32 (flat index into the pooling input [h, w, c]), the decoded
 * image as uint8 (last, so every float/int array is 4-byte aligned).
 */
import type { Explanation } from '@tensorpool/training';
import type { ExplainModel } from './explorer-protocol.js';

interface Block { offset: number; length: number }

export function encodeExplanation(modelId: string, model: ExplainModel, e: Explanation): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  const put = (a: Float32Array | Int32Array | Uint8Array): Block => {
    const b = { offset: at, length: a.length };
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    at += a.byteLength;
    return b;
  };
  const header = {
    model: { id: modelId, ...model },
    probabilities: Array.from(e.probabilities),
    input: put(e.input),
    layers: e.layers.map((l) => ({ layer: l.layer, name: l.name, type: l.type, relu: l.relu, shape: l.shape, values: put(l.values) })),
    pools: e.pools.map((p) => ({
      step: p.step, inputStep: p.inputStep, window: p.window, strides: p.strides, pad: p.pad, inShape: p.inShape, outShape: p.outShape, argmax: put(p.argmax),
    })),
    pixels: put(e.pixels),
  };
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - (Buffer.byteLength(json) % 4)) % 4);
  const head = Buffer.alloc(8);
  head.write('TPX1', 0, 'latin1');
  head.writeUInt32LE(Buffer.byteLength(json), 4);
  return Buffer.concat([head, Buffer.from(json), ...parts]);
}
