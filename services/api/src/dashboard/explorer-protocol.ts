/**
 * The one message protocol between the explorer routes and their worker
 * thread (explorer-worker.ts). Arrays cross as transferred ArrayBuffers.
 */
import type { Explanation } from '@tensorpool/training';

export interface ExplainRequest {
  id: number;
  /** A model directory, already confined to the models root by the caller. */
  dir: string;
  /** The uploaded image's bytes (any format sharp reads), or the index of one of the model's saved samples. */
  image?: Uint8Array;
  sample?: number;
}

export interface ExplainModel { name: string; inputShape: [number, number, number]; labels: string[] }

export type ExplainReply =
  | { id: number; ok: true; model: ExplainModel; explanation: Explanation }
  | { id: number; ok: false; status: number; message: string };
