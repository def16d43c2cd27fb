/** Where coordinator and worker report what they do (the CLI passes a stderr logger). */
export interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}

export const silentLogger: Logger = { info: () => undefined, error: () => undefined };

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`),
  error: (m) => process.stderr.write(`${new Date().toISOString()} ERROR ${m}\n`),
};
