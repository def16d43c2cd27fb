import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, normalize, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorpool/core';

/**
 * Reads and writes the TensorFlow.js layers format (model.json + binary weight
 * shards) in a local directory. tfjs's own file:// handler ships only with
 * @tensorflow/tfjs-node, which cannot be installed here; this is the same
 * format (what `tensorflowjs_converter --output_format tfjs_layers_model`
 * writes and `tf.loadLayersModel` reads).
 */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** A save handler for `model.save(dirSaveHandler(dir))`: writes dir/model.json and dir/weights.bin. */
export function dirSaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    await mkdir(dir, { recursive: true });
    const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    // Same fields, same order as tfjs's own (unexported) getModelJSONForModelArtifacts.
    const modelJSON: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    };
    if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
    if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
    await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
    await writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJSON));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/** Reads dir/model.json and every weight shard it lists (in manifest order). */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = join(dir, MODEL_JSON);
  if (!existsSync(jsonPath)) throw new DataError(`no ${MODEL_JSON} in ${dir}: expected a TensorFlow.js layers model directory`);
  let modelJSON: tf.io.ModelJSON;
  try {
    modelJSON = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new DataError(`${jsonPath} is not valid JSON: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  if (!modelJSON.modelTopology) throw new DataError(`${jsonPath} has no modelTopology: not a layers model`);
  return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const p of group.paths) {
        const file = join(dirname(jsonPath), normalize(p));
        if (!existsSync(file)) throw new DataError(`weight shard ${file} listed in ${jsonPath} is missing`);
        const b = await readFile(file);
        buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      }
    }
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
}

/** A load handler for `tf.loadLayersModel(dirLoadHandler(dir))`. */
export function dirLoadHandler(dir: string): tf.io.IOHandler {
  return { load: () => readModelArtifacts(dir) };
}
