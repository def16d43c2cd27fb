/**
 * extractTar reads archives as GNU and POSIX tar write them (directories, long
 * names via 'L' and pax records), and refuses entries that would leave the
 * destination, links, and files given twice.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTar } from './tar.js';
import { tmpDir } from './fixtures.test-util.js';

const tmp = tmpDir();
afterAll(() => tmp.cleanup());
const long = `${'d'.repeat(60)}/${'f'.repeat(120)}.png`;

function makeTree(root: string): void {
  mkdirSync(join(root, 'cat'), { recursive: true });
  mkdirSync(join(root, 'dog', 'd'.repeat(60)), { recursive: true });
  writeFileSync(join(root, 'cat', 'a.png'), 'cat-a');
  writeFileSync(join(root, 'dog', long), 'dog-long');
  symlinkSync('/etc/passwd', join(root, 'cat', 'link.png'));
}

describe('extractTar', () => {
  for (const format of ['gnu', 'pax']) {
    it(`extracts a ${format} archive written by tar, without links`, async () => {
      const src = join(tmp.dir, `src-${format}`);
      makeTree(src);
      const file = join(tmp.dir, `${format}.tar`);
      const r = spawnSync('tar', ['cf', file, `--format=${format}`, '-C', src, '.'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const dest = join(tmp.dir, `out-${format}`);
      expect(await extractTar(file, dest)).toBe(2);
      expect(readFileSync(join(dest, 'cat', 'a.png'), 'utf8')).toBe('cat-a');
      expect(readFileSync(join(dest, 'dog', long), 'utf8')).toBe('dog-long');
      expect(existsSync(join(dest, 'cat', 'link.png'))).toBe(false);
    });
  }

  it('refuses escaping paths, duplicates, too many files and non-tar input', async () => {
    const header = (name: string, size: number): Buffer => {
      const h = Buffer.alloc(512);
      h.write(name, 0);
      h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
      h.write('        ', 148);
      h[156] = 48;
      let sum = 0;
      for (const b of h) sum += b;
      h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
      return h;
    };
    const tar = (...names: string[]) => Buffer.concat([...names.flatMap((n) => [header(n, 1), Buffer.alloc(512, 120)]), Buffer.alloc(1024)]);
    const run = async (name: string, data: Buffer, max?: number) => {
      writeFileSync(join(tmp.dir, `${name}.tar`), data);
      return extractTar(join(tmp.dir, `${name}.tar`), join(tmp.dir, `x-${name}`), max);
    };
    await expect(run('up', tar('a/../../up.png'))).rejects.toThrow(/tar entry 'a\/..\/..\/up.png' points outside the upload/);
    await expect(run('abs', tar('/etc/x.png'))).rejects.toThrow(/points outside/);
    await expect(run('dup', tar('a/x.png', './a/x.png'))).rejects.toThrow(/tar entry '.\/a\/x.png' appears twice/);
    await expect(run('many', tar('a/1', 'a/2', 'a/3'), 2)).rejects.toThrow(/more than 2 files/);
    await expect(run('junk', Buffer.alloc(2048, 65))).rejects.toThrow(/not a tar file/);
    expect(existsSync(join(tmp.dir, 'up.png'))).toBe(false);
    expect(existsSync('/etc/x.png')).toBe(false);
  });
});
