// One jest run covers unit tests beside the code and e2e tests in tests/.
// @swc/jest compiles TypeScript with decorator metadata (type-graphql needs it).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/{packages,subgraphs,router,infra,tests}/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/generated/"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: "es2022",
        },
        module: { type: "commonjs" },
      },
    ],
  },
  testTimeout: 120000,
  maxWorkers: 2,
};
