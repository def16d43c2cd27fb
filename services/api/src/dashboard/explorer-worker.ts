/**
 * Worker thread of the pooling explorer: loads a model (the last few kept),
 * decodes the image as training data are decoded, runs the real forward pass
 * (training explain.ts, tfjs wasm backend), and posts the outputs back
 * (explorer-protocol.ts). Off the server's event loop: a big model's forward
 * pass takes a while.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { isTensorpoolError } from '@tensorpool/core';
import { initBackend } from '@tensorpool/engine';
import { decodeForModel, explain, loadSamples, loadTrainedModel, type TrainedModel } from '@tensorpool/training';
import type { ExplainReply, ExplainRequest } from './explorer-protocol.js';

const KEEP = 2;
const models = new Map<string, { mtime: number; model: TrainedModel }>();
// wasm: the seed model's forward pass takes ~2 s there against ~8 s on the cpu backend (scripts in the report).
const ready = initBackend('wasm');

async function model(dir: string): Promise<TrainedModel> {
  const mtime = (await stat(join(dir, 'model.json'))).mtimeMs;
  const hit = models.get(dir);
  if (hit && hit.mtime === mtime) return hit.model;
  const m = await loadTrainedModel(dir);
  models.delete(dir);
  models.set(dir, { mtime, model: m });
  while (models.size > KEEP) models.delete(models.keys().next().value!);
  return m;
}

async function handle(req: ExplainRequest): Promise<ExplainReply> {
  await ready;
  const m = await model(req.dir);
  let pixels: Uint8Array;
  if (req.image) {
    pixels = await decodeForModel(m, Buffer.from(req.image.buffer, req.image.byteOffset, req.image.byteLength));
  } else {
    const samples = await loadSamples(req.dir);
    const [h, w, c] = m.spec.inputShape;
    const k = req.sample ?? -1;
    if (!samples || k < 0 || k >= samples.index.samples.length) return { id: req.id, ok: false, status: 404, message: `the model has no sample ${k}` };
    if (samples.index.shape.join('x') !== m.spec.inputShape.join('x')) return { id: req.id, ok: false, status: 409, message: 'the saved samples do not fit the model input' };
    pixels = samples.pixels.slice(k * h * w * c, (k + 1) * h * w * c);
  }
  const { name, inputShape, labels } = m.spec;
  return { id: req.id, ok: true, model: { name, inputShape, labels }, explanation: explain(m, pixels) };
}

parentPort!.on('message', (req: ExplainRequest) => {
  handle(req).then((reply) => {
    const transfer = reply.ok ? [...reply.explanation.layers.map((l) => l.values.buffer), ...reply.explanation.pools.map((p) => p.argmax.buffer)] : [];
    parentPort!.postMessage(reply, transfer as ArrayBuffer[]);
  }, (e: Error) => {
    // Our own errors (a bad image, a broken model) are the client's 4xx; anything else a 500 without details.
    const mine = isTensorpoolError(e);
    parentPort!.postMessage({ id: req.id, ok: false, status: mine ? 422 : 500, message: mine ? e.message.split('\n')[0] : 'internal error' } satisfies ExplainReply);
  });
});
