/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
    // jose is ES modules only: the tests get a CommonJS translation of it (see the file).
    '/node_modules/jose/.+\\.js$': '<rootDir>/jest.esm-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // A guard against hangs, not a speed check: specs that start servers and PostgreSQL clusters
  // take twice as long on a busy 2-core machine running other spec files alongside.
  testTimeout: 60_000,
};
