/**
 * Plain `podman` for the container tests, with infra/podman/containers.conf
 * (CONTAINERS_CONF) and the stack script infra/podman/up.sh. Rootful podman:
 * `unavailable()` says in one line why the tests cannot run here.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cluster.js';

export const PODMAN_DIR = join(ROOT, 'infra/podman');
export const ENV = { ...process.env, CONTAINERS_CONF: join(PODMAN_DIR, 'containers.conf') };

/** Why podman cannot run containers here, or undefined when it can. */
export function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for rootful podman (bash .ci/run runs as root in CI)';
  const r = spawnSync('podman', ['version', '--format', '{{.Client.Version}}'], { env: ENV, encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'podman is not installed (bash .ci/run installs it: apt-get install podman runc debootstrap)';
  return undefined;
}

export interface Run { status: number | null; stdout: string; stderr: string }

/** Runs podman (or a script) to completion; throws with its stderr unless `check` is false. */
export function sh(cmd: string, args: string[], opts: { check?: boolean; timeoutMs?: number; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...ENV, ...opts.env }, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 << 20 });
  const out = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if ((opts.check ?? true) && (r.error || r.status !== 0)) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? r.status}):\n${out.stderr.slice(-4000)}`);
  }
  return out;
}

export const podman = (args: string[], opts: Parameters<typeof sh>[2] = {}) => sh('podman', args, opts);

export function logs(name: string): string {
  return podman(['logs', name], { check: false }).stdout + podman(['logs', name], { check: false }).stderr;
}

/** `podman inspect` of one container field, e.g. '{{.State.ExitCode}}'. */
export function inspect(name: string, format: string): string {
  return podman(['inspect', '--format', format, name]).stdout.trim();
}

/** The base images (once per machine) and the image of this tree (cached by content hash); returns its tag. */
export function buildImage(): string {
  sh('bash', [join(PODMAN_DIR, 'base-images.sh')], { timeoutMs: 900_000 });
  return sh('bash', [join(PODMAN_DIR, 'build-image.sh')], { timeoutMs: 1_200_000 }).stdout.trim();
}
