// PGlite loads its WebAssembly through dynamic import(), which jest only allows with
// --experimental-vm-modules (set in the npm script); swc keeps the transform fast.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // jose 6 ships ESM only; jest loads CommonJS, so it is transformed like our own code.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['**/__tests__/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/harness/globalSetup.ts',
  globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
