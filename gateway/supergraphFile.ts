import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Stats } from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '../common/logger';
import type { Metrics } from '../common/metrics';
import { prepareSupergraph } from './security/supergraphRules';

export interface SupergraphWatchOptions {
  path: string;
  pollMs: number;
  watch: boolean;
  logger: Logger;
  metrics: Pick<Metrics, 'supergraphLoads'>;
  /** Called with the first SDL and each one the gateway accepted afterwards. */
  onLoaded: (sdl: string) => void;
}

/**
 * The gateway's `supergraphSdl` hook: serves the file, then polls it (stat polling survives
 * atomic renames and volume mounts, where inotify does not) and hands each changed version to
 * Apollo's `update`, which throws for an SDL it cannot use and keeps serving the old one.
 * Replace the file atomically (write a temp file, then rename) so a half-written file is never read.
 * Apollo gets each version as `prepareSupergraph` makes it loadable (the gateway enforces the
 * `for: SECURITY` rules itself, see security/secureGateway.ts); one whose rules cannot be read is refused.
 */
export function supergraphFromFile(options: SupergraphWatchOptions): SupergraphSdlHook {
  const { path, logger, metrics } = options;
  return async ({ update }) => {
    let current = readFileSync(path, 'utf8');
    options.onLoaded(current);
    const forApollo = (sdl: string) => prepareSupergraph(sdl).sdl;
    if (!options.watch) return { supergraphSdl: forApollo(current) };
    const onChange = (now: Stats, before: Stats) => {
      if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
      let next: string;
      try {
        next = readFileSync(path, 'utf8');
      } catch (err) {
        metrics.supergraphLoads.inc({ outcome: 'rejected' });
        logger.error({ err, path }, 'supergraph file unreadable; keeping the current supergraph');
        return;
      }
      if (next === current) return;
      try {
        update(forApollo(next));
      } catch (err) {
        metrics.supergraphLoads.inc({ outcome: 'rejected' });
        logger.error({ err, path }, 'supergraph refused; keeping the current supergraph');
        return;
      }
      current = next;
      metrics.supergraphLoads.inc({ outcome: 'loaded' });
      options.onLoaded(next);
      logger.info({ path }, 'supergraph reloaded');
    };
    watchFile(path, { interval: options.pollMs, persistent: false }, onChange);
    return { supergraphSdl: forApollo(current), cleanup: async () => unwatchFile(path, onChange) };
  };
}
