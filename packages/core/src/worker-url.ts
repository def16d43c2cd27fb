import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of a worker-thread entry file next to `moduleUrl`.
 *
 * Worker threads need JavaScript. Under vitest our modules run from `src/*.ts`,
 * so the compiled twin in `dist/*.js` is used instead (`pnpm test` builds first).
 */
export function workerPath(moduleUrl: string, relative: string): string {
  const js = relative.replace(/\.ts$/, '.js');
  const here = fileURLToPath(new URL(js, moduleUrl));
  if (existsSync(here) && !here.includes('/src/')) return here;
  const dist = here.replace(/\/src\//, '/dist/');
  if (!existsSync(dist)) {
    throw new Error(`worker entry ${dist} is missing: run \`pnpm build\` first`);
  }
  return dist;
}
