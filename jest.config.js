// Three tiers, all run by `npm test` (scripts/test.mjs):
//   unit      logic modules, no n8n
//   workflow  workflow JSON executed in-process through n8n-core's WorkflowExecute
//   real      the real n8n 2.x CLI on embedded Postgres, package installed as community package
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }];
const common = { transform: { '^.+\\.ts$': tsJest }, testEnvironment: 'node', modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.build/'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'] },
    { ...common, displayName: 'real', testMatch: ['<rootDir>/test/real/**/*.test.ts'] },
  ],
};
