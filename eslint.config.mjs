// Lint rules for every TypeScript file of the package, its tests, benchmarks, demo and example:
// typescript-eslint's strict type-aware set. Formatting is prettier's job, not the linter's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "client-demo/public/**", "coverage/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // numbers and booleans in messages read naturally; objects and unknowns still must be stringified on purpose
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // `() => void send()` style callbacks are the common idiom of event handlers
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // store twins and interface implementations are async by contract (every store method returns a Promise) without awaiting
      "@typescript-eslint/require-await": "off",
      // a leading underscore marks a parameter a signature requires but the body does not use
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
    },
  },
  {
    // tests read JSON answers and SDK events whose shapes they assert; `!` after an assertion of presence is fine there
    files: ["test/**/*.ts", "bench/**/*.ts", "examples/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
);
