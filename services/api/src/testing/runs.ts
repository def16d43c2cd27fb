/** What the dashboard tests share: a tiny model that trains in seconds, and waiting on a condition. */

/** A small conv net for 28x28x1 that trains in seconds (also the e2e tests' model: test/support/cluster.ts). */
export const TINY_SPEC = {
  name: 'tiny-fashion',
  inputShape: [28, 28, 1],
  labels: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

/** Polls `probe` until it holds (a deadline only against hanging forever; the message carries `logs()`). */
export async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, logs: () => string = () => '', timeoutMs = 150_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
