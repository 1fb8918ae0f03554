/**
 * The test suite's only reading of the environment. With DATABASE_URL set, every storage test
 * runs against that PostgreSQL server (each test file in a database of its own); without it, on
 * embedded PGlite. `.ci/run` runs the suite both ways.
 */
export const testEnv = Object.freeze({
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
});

export const backendName = testEnv.databaseUrl ? 'postgres' : 'pglite';
