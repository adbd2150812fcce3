/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 30000,
  // Coverage over all of lib/, so that a module no test loads shows as uncovered rather than missing. The CLI's
  // tests run it in-process (test/helpers/cli.ts), so its lines count too.
  collectCoverageFrom: ['<rootDir>/lib/**/*.ts', '!<rootDir>/lib/**/*.d.ts'],
};
