/**
 * Reads docker-compose.yml the way Docker Compose does when no compose binary
 * is installed: variables interpolated first (`${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `$$`), then parsed as YAML with merge
 * keys (`<<: *anchor`). Short volume syntax `source:target[:mode]` is split
 * only after interpolation, so a default containing ':' or '-' is not cut.
 */
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  command?: string[];
  volumes?: (string | { target: string; source?: string; read_only?: boolean })[];
  ports?: (string | { host_ip?: string; published: string | number; target: number })[];
  container_name?: string;
  environment?: Record<string, string>;
  build?: { context: string; dockerfile: string };
  healthcheck?: { test: string[] | string };
  init?: boolean;
  read_only?: boolean;
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
}

const VAR = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VAR, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const v = env[name];
    const unsetOrEmpty = v === undefined || (op?.startsWith(':') && v === '');
    if (op?.endsWith('-')) return unsetOrEmpty ? arg! : v!;
    if (op?.endsWith('?')) {
      if (unsetOrEmpty) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      return v!;
    }
    return v ?? '';
  });
}

export function parseCompose(text: string, env: Record<string, string | undefined>): { services: Record<string, ComposeService> } {
  return parse(interpolate(text, env), { merge: true }) as { services: Record<string, ComposeService> };
}

/** The container path of a volume entry, short (`src:target[:mode]`) or long syntax. */
export function mountTarget(v: string | { target: string }): string {
  return typeof v === 'string' ? v.split(':')[1] ?? v : v.target;
}
