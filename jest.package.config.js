/**
 * `npm run test:package`: the package-install suites (test/consumer/), which `npm test` leaves out.
 * They pack this package and install it into fresh projects with npm, from the tarball and from
 * a git clone (which installs every devDependency and builds): about a minute of npm and tsc each,
 * which would set the length of `npm test`. CI runs them right after `npm test`.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/consumer/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/build/'],
  // Two suites, one per worker: each mostly waits on npm and tsc in child processes.
  maxWorkers: 2,
  // Each suite sets its own (long) beforeAll timeout.
};
