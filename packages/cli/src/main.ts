#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isTensorpoolError } from '@tensorpool/core';
import { registerCommands } from './commands/index.js';

/**
 * `tensorpool` entry point. Every failure ends as one line on stderr and a
 * non-zero exit; the stack trace only with --verbose (or TENSORPOOL_VERBOSE=1).
 */
const program = new Command('tensorpool')
  .description('Train image classifiers on every core of one machine, or on many worker containers.')
  .option('--verbose', 'print stack traces on errors', false)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCommands(program);

function verbose(): boolean {
  return process.argv.includes('--verbose') || process.env.TENSORPOOL_VERBOSE === '1';
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (help, version or a usage error).
    return err.exitCode;
  }
  const e = err as Error;
  const code = isTensorpoolError(err) ? (err as { code: string }).code : 'E_INTERNAL';
  const msg = (e?.message ?? String(err)).split('\n')[0];
  process.stderr.write(`tensorpool: ${msg}${code === 'E_INTERNAL' ? '' : ` [${code}]`}\n`);
  if (verbose() && e?.stack) process.stderr.write(`${e.stack}\n`);
  return code === 'E_USAGE' ? 2 : 1;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
