/**
 * Redis Lua scripts kept as files `name-NUMKEYS.lua` (a header lists KEYS and
 * ARGV), read once per process and defined once per connection with ioredis
 * `defineCommand`: ioredis then sends EVALSHA and falls back to EVAL only
 * when the server does not hold the script yet (after a restart or FLUSH).
 *
 * Typed against the one method it needs, so core does not depend on ioredis.
 * Packages keep their scripts in lua/ beside src/ (tsc does not copy them; the
 * image keeps lua/, drops src/): from dist/x.js the folder is ../lua.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of an ioredis connection a script needs. */
export interface ScriptHost {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
}

export type LuaArg = string | Buffer | number;

/** Runs the script on `redis` with exactly NUMKEYS `keys`, then `args`. */
export type LuaScript = (redis: ScriptHost, keys: string[], args?: LuaArg[]) => Promise<unknown>;

const FILE_RE = /^([a-z][a-z0-9-]*)-(\d+)\.lua$/;

/** The script in file `url` (named `name-NUMKEYS.lua`). */
export function luaScript(url: URL): LuaScript {
  const file = basename(fileURLToPath(url));
  const m = FILE_RE.exec(file);
  if (!m) throw new Error(`Lua script file '${file}' is not named name-NUMKEYS.lua`);
  const numberOfKeys = Number(m[2]);
  const lua = readFileSync(url, 'utf8');
  // One command name per file, prefixed so it never shadows an ioredis command.
  const name = `tp_${m[1].replace(/-/g, '_')}`;
  const defined = new WeakSet<ScriptHost>();
  return async (redis, keys, args = []) => {
    if (keys.length !== numberOfKeys) throw new Error(`${file} takes ${numberOfKeys} keys, got ${keys.length}`);
    if (!defined.has(redis)) {
      redis.defineCommand(name, { numberOfKeys, lua });
      defined.add(redis);
    }
    const run = (redis as unknown as Record<string, (...a: LuaArg[]) => Promise<unknown>>)[name];
    return run.call(redis, ...keys, ...args);
  };
}
