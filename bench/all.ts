// `npm run bench [-- --quick] [-- --processes] [-- --in-process]`: the live-alarm benchmark, then
// the gateways side by side, each in a fresh process; `npm run bench:alarms` and
// `npm run bench:gateways` run one. Options are handed to the benchmark that understands them:
// `--processes` to the live-alarm one (its subgraphs share its process by default), `--in-process`
// to the gateways' (whose subgraphs run in processes of their own by default).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    processes: { type: 'boolean' },
    'in-process': { type: 'boolean' },
    scenario: { type: 'string', multiple: true },
    connections: { type: 'string' },
    target: { type: 'string', multiple: true },
    workload: { type: 'string', multiple: true },
  },
});

const args = (names: (keyof typeof values)[]): string[] =>
  names.flatMap((name) => {
    const value = values[name];
    if (value === undefined || value === false) return [];
    if (value === true) return [`--${name}`];
    return (Array.isArray(value) ? value : [value]).flatMap((v) => [`--${name}`, v]);
  });

// The gateway benchmark runs everything as the Docker image does, with NODE_ENV=production
// (graphql-js, Express and Apollo Server skip their development-time checks).
const runs: [string, string[], Record<string, string>][] = [
  ['index.ts', args(['quick', 'processes', 'scenario']), {}],
  [
    join('gateways', 'index.ts'),
    args(['quick', 'in-process', 'connections', 'target', 'workload']),
    { NODE_ENV: 'production' },
  ],
];
for (const [script, scriptArgs, env] of runs) {
  const { status } = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, script), ...scriptArgs],
    {
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  if (status !== 0) process.exit(status ?? 1);
}
