import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; `name` tells the three subgraphs and the gateway apart in one stream. */
export function createLogger(name: string, level: string = 'info'): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
