/**
 * Long-running commands (coordinator, worker, serve) stop on SIGTERM/SIGINT:
 * the first signal asks for a graceful stop, a second one exits at once.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (sig: NodeJS.Signals) => {
      if (seen) {
        process.stderr.write(`tensorpool: second ${sig}, exiting now\n`);
        process.exit(130);
      }
      seen = true;
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
