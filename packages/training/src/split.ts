/** Cuts n samples into `parts` contiguous micro-batches, the first n % parts one longer. */
export function splitEven(n: number, parts: number): Array<{ start: number; count: number }> {
  const out: Array<{ start: number; count: number }> = [];
  const base = Math.floor(n / parts);
  const extra = n % parts;
  let start = 0;
  for (let k = 0; k < parts; k++) {
    const count = base + (k < extra ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}
