import type { Command } from 'commander';
import { register as summary } from './summary.js';

/**
 * Each command lives in its own file and exports `register(program)`.
 * Add one import and one line below per command.
 */
type Register = (program: Command) => void;

const registers: Register[] = [summary];

export function registerCommands(program: Command): void {
  for (const register of registers) register(program);
}
