/**
 * Two projects, one run: `npm test` runs both, `npm run test:unit` (jest --selectProjects unit)
 * the first alone. Only the second starts a PostgreSQL (globalSetup), and only when one of its
 * specs runs: a spec in test/unit/ needs no database and no other program.
 */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
    // jose is ES modules only: the tests get a CommonJS translation of it (see the file).
    '/node_modules/jose/.+\\.js$': '<rootDir>/jest.esm-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['reflect-metadata'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  // A guard against hangs, not a speed check: specs that start servers and PostgreSQL clusters
  // take twice as long on a busy 2-core machine running other spec files alongside. Jest reads it
  // from here only, not from a project.
  testTimeout: 60_000,
};
