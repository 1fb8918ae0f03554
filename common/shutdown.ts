import type { Logger } from './logger';

export interface ShutdownOptions {
  /**
   * What a signal does while `close` runs: `exit` at once (a person pressing Ctrl-C twice), or
   * `ignore` it (a cluster worker, which gets Ctrl-C from the terminal and SIGTERM from its
   * primary, and is killed by the primary if it outlives its grace period). @default 'exit'
   */
  repeatedSignal?: 'exit' | 'ignore';
}

/** Runs `close` once on SIGINT/SIGTERM, then exits (0, or 1 if `close` failed). */
export function onShutdown(logger: Logger, close: () => Promise<void>, options: ShutdownOptions = {}): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      if (options.repeatedSignal === 'ignore') return;
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
