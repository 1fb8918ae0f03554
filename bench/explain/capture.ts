// Records every statement a subgraph sends through its database handle, with its parameters and
// the store function that sent it, so each can be explained afterwards exactly as it ran.
import { relative } from 'node:path';
import type { Db, Queryable, Row } from '../../common/db';
import type { SubgraphName } from '../../subgraphs/catalog';

export interface CapturedStatement {
  subgraph: SubgraphName;
  text: string;
  params: readonly unknown[];
  /** The first frame outside the database layer, e.g. `supervision/store/enterprises.ts listEnterprises`. */
  origin: string;
}

const ROOT = relative(process.cwd(), `${__dirname}/../..`) || '.';
const PLUMBING = /\/(bench\/explain|common\/db)\/|node:internal|node_modules/;
const FRAME = /at (?:async )?(?:(\S+) \()?(.+?):\d+:\d+\)?$/;

/** Where in the project the statement comes from: the frame that called into the database layer. */
function originOf(stack: string | undefined): string {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match || PLUMBING.test(match[2]!)) continue;
    const file = relative(ROOT, match[2]!.replace(/^file:\/\//, '')).replace(/^subgraphs\//, '');
    return match[1] ? `${file} ${match[1].replace(/^Object\./, '')}` : file;
  }
  return 'unknown';
}

/**
 * A handle that forwards to `db` and reports each statement to `sink` before running it.
 * Transactions are captured too; their BEGIN/COMMIT are the engine's, not statements of the store.
 */
export function capturingDb(db: Db, subgraph: SubgraphName, sink: (s: CapturedStatement) => void): Db {
  const record = (text: string, params: readonly unknown[]) => {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder);
    sink({ subgraph, text, params, origin: originOf(holder.stack) });
  };
  const wrap = (q: Queryable): Queryable => ({
    query<R = Row>(text: string, params: readonly unknown[] = []) {
      record(text, params);
      return q.query<R>(text, params);
    },
    exec(script: string) {
      record(script, []);
      return q.exec(script);
    },
  });
  const { query, exec } = wrap(db);
  return {
    kind: db.kind,
    stats: db.stats,
    query,
    exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
  };
}
