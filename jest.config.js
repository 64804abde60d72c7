/** One runner for every suite: unit (fake clock), contract (store x backend), integration (real server + SDK). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/examples"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json", diagnostics: false }] },
  testTimeout: 20000,
  maxWorkers: 2,
  forceExit: false,
};
