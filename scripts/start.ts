// `npm start`: the whole system in one process — three subgraphs and the gateway — on embedded
// PGlite (or DATABASE_URL), seeded with the demo data set on first run.
import { mkdirSync } from 'node:fs';
import { z } from 'zod';
import { optionalUrl, parseConfig } from '../common/config';
import { openEngine } from '../common/db';
import { openEventStream } from '../common/events';
import { Role, developmentSecret, signDevToken } from '../common/auth';
import { createLogger } from '../common/logger';
import { onShutdown } from '../common/shutdown';
import { loadGatewayConfig } from '../gateway/config';
import { loadExamples } from '../gateway/playground/examples';
import { createGatewayServer } from '../gateway/server';
import { startStack } from '../subgraphs/stack';

const env = parseConfig(
  z.object({
    DATABASE_URL: optionalUrl,
    REDIS_URL: optionalUrl,
    PGLITE_DIR: z.string().default('.data/pglite'),
    LOG_LEVEL: z.string().default('warn'),
  }),
  process.env,
);

async function main(): Promise<void> {
  const started = Date.now();
  const logger = createLogger('start', 'info');
  if (!env.DATABASE_URL) mkdirSync(env.PGLITE_DIR, { recursive: true });
  const engine = await openEngine({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: env.PGLITE_DIR,
    applicationName: 'qsg',
  });
  // Redis Streams when REDIS_URL is set; otherwise one in-process stream shared by all four parts.
  const events = openEventStream(env.REDIS_URL);
  const stack = await startStack({ engine, events, env: process.env, logLevel: env.LOG_LEVEL });

  // Tokens are required here too; without a configured key source, development tokens signed by
  // the secret in .data/ are accepted, and `npm run token` mints them.
  const keySource = process.env.JWT_SECRET || process.env.JWT_JWKS_FILE || process.env.JWT_JWKS_URL;
  const jwtSecret = keySource ? undefined : developmentSecret();
  const config = loadGatewayConfig({
    // The playground of a development start needs introspection; production decides for itself.
    INTROSPECTION: 'true',
    FIELD_SUGGESTIONS: 'true',
    ...process.env,
    ...(jwtSecret ? { JWT_SECRET: jwtSecret } : {}),
    CALLER_SECRET: stack.callerSecret,
    LOG_LEVEL: env.LOG_LEVEL,
  });
  const gateway = createGatewayServer(
    { ...config, subgraphUrls: { ...stack.urls, ...config.subgraphUrls } },
    {
      logger: createLogger('gateway', env.LOG_LEVEL),
      events,
      ...(config.playground && config.playgroundExamplesPath
        ? { playgroundExamples: loadExamples(config.playgroundExamplesPath) }
        : {}),
    },
  );
  const url = await gateway.listen(config.port, config.host);
  await gateway.start();

  const adminToken = jwtSecret
    ? await signDevToken(jwtSecret, { role: Role.CITY_ADMIN, sub: 'dev-city-admin', expiresIn: '12h' })
    : undefined;
  const where = env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${env.PGLITE_DIR}`;
  console.log(`
Qingdao Safety Graph is running (${((Date.now() - started) / 1000).toFixed(1)} s, ${where}${stack.seeded ? ', demo data seeded' : ''}).

  GraphQL endpoint:  ${url.replace('127.0.0.1', 'localhost')}${config.playground ? ' (open it in a browser for the playground)' : ''}
  Live alarms:       subscriptions over graphql-ws at ${url.replace('http', 'ws').replace('127.0.0.1', 'localhost')}
  Health, metrics:   /health /ready /metrics on the same port
  Device readings:   POST ${stack.urls.emergency.replace('/graphql', '/ingest/readings')} with "authorization: Bearer ${stack.ingestKey}"${process.env.INGEST_KEYS ? '' : ' (key of this run; set INGEST_KEYS to fix one)'}
  Subgraphs:         ${Object.entries(stack.urls)
    .map(([name, u]) => `${name} ${u}`)
    .join('\n                     ')}

${
  adminToken
    ? `  City administrator's token (12 h; other roles: npm run token -- --role DISTRICT_OFFICER --district 370203):
    ${adminToken}
  In the playground, open Headers and paste: {"Authorization": "Bearer <token>"}

  Try:  TOKEN=$(npm run -s token -- --role CITY_ADMIN)
        curl -s ${url.replace('127.0.0.1', 'localhost')} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
          -d '{"query":"{ enterprises(first: 3, filter: {districtCode: \\"370203\\"}) { totalCount edges { node { name riskLevel grid { name } } } } }"}'
`
    : '  Tokens: issued by the identity provider configured in JWT_JWKS_FILE / JWT_JWKS_URL / JWT_SECRET.\n'
}
Press Ctrl+C to stop.`);

  onShutdown(logger, async () => {
    await gateway.stop();
    await stack.stop();
    await events.close();
    await engine.close();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
