// Hive Gateway and autocannon are benchmark-only: they live in bench/gateways/node_modules, out of
// the production install, and are loaded at run time, so the root `tsc` and `npm ci` never need them.
//
// package.json's `overrides` keep the tree installable on Node 20: Hive Gateway 2.15.1 asks for
// Node 20, but its caret ranges now float to @whatwg-node/promise-helpers 2 and disposablestack
// 0.1, which declare Node 22.15, for no API change (their typings match 1.3.2 and 0.0.6 but for
// one removed deprecated helper), and to a GraphQL laboratory loader that needs a Node-22 fetch.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const DIR = __dirname;
/** Written after a successful install: the hash of the lockfile it installed. */
const MARKER = join(DIR, 'node_modules', '.installed-lock-sha256');

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Runs `npm ci` in bench/gateways unless node_modules was installed from this very lockfile. */
export function ensureBenchDependencies(): void {
  const lock = createHash('sha256')
    .update(readFileSync(join(DIR, 'package-lock.json')))
    .digest('hex');
  if (read(MARKER)?.trim() === lock) return;
  console.log('Installing the gateway benchmark dependencies (npm ci --prefix bench/gateways) …');
  const result = spawnSync('npm', ['ci', '--prefix', DIR, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm ci --prefix bench/gateways failed');
  writeFileSync(MARKER, `${lock}\n`);
}

/** `require` resolving from bench/gateways, so these packages never come from the root install. */
export const benchRequire = createRequire(join(DIR, 'package.json'));

/**
 * Builds the project (`npm run build`, incremental: a few seconds when nothing changed), because
 * `ours` and the subgraphs run from `dist/` as the Docker image does.
 */
export function buildOurs(): void {
  const result = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: join(DIR, '..', '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error('npm run build failed: ours runs from dist/');
}
