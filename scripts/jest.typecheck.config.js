// The "before" configuration for `npm run bench`: ts-jest type-checks every test file.
const base = require('../jest.config.js');
module.exports = {
  ...base,
  rootDir: '..',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: false } }] },
};
