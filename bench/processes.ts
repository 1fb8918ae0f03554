// The production shape for the benchmark: each subgraph in a process of its own (as in
// docker-compose.yml), on PostgreSQL and Redis, so the gateway's event loop is not shared.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SUBGRAPHS } from '../subgraphs/catalog';
import type { SubgraphName } from '../subgraphs/catalog';

export interface SubgraphProcesses {
  urls: Record<SubgraphName, string>;
  pids: number[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function ready(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

export interface SubgraphProcessOptions {
  /**
   * Run `dist/subgraphs/<name>/index.js` (`npm run build` first), as the image and the compose
   * file do, instead of the sources through tsx. @default false
   */
  fromBuild?: boolean;
}

/** Starts the three subgraph entry points; the database must be migrated and seeded already. */
export async function startSubgraphProcesses(
  databaseUrl: string,
  redisUrl: string,
  secrets: { CALLER_SECRET: string; INGEST_KEYS: string },
  options: SubgraphProcessOptions = {},
): Promise<SubgraphProcesses> {
  const children: ChildProcess[] = [];
  const urls = {} as Record<SubgraphName, string>;
  for (const { name } of SUBGRAPHS) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      options.fromBuild
        ? [join(__dirname, '..', 'dist', 'subgraphs', name, 'index.js')]
        : ['--import', 'tsx', join(__dirname, '..', 'subgraphs', name, 'index.ts')],
      {
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          LOG_LEVEL: 'error',
          CONSUMER_NAME: `bench-${name}`,
          ...secrets,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(child);
    urls[name] = `http://127.0.0.1:${port}/graphql`;
  }
  const deadline = Date.now() + 60_000;
  for (const { name } of SUBGRAPHS) await ready(urls[name].replace(/\/graphql$/, '/ready'), deadline);
  return {
    urls,
    pids: children.map((c) => c.pid!),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
