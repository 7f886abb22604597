// ESLint, run by `npm test` (npm run lint). typescript-eslint's type-checked rules on the
// shipped code (lib/, bin/); its syntax-only rules on tests, scripts and tools. The import
// boundaries of lib/'s three products are lint rules too (test/architecture checks the same
// from the other side), so a crossing import fails before any test runs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns that keep a folder of lib/ out of the others (relative imports only). */
const forbid = (folders, why) => ({
  'no-restricted-imports': ['error', {
    patterns: folders.map((folder) => ({ regex: `^\\.\\.?/(.*/)?${folder}(/|$)`, message: why })),
  }],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'imports/', 'coverage/', '.engines/', '.cluster/', '.cdk8s-out/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['lib/**/*.ts', 'bin/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    // A program of the shipped code alone (tsconfig.lint.json: tsconfig.json's options, lib/ and bin/), not
    // the project service's whole repository: a third less to load, the same types for these files.
    languageOptions: { parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Rejecting control characters in emitted text is the point of those patterns.
      'no-control-regex': 'off',
      // `require()` loads a module only when it is needed (the CLI's commands, Ajv, precompiled code).
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['lib/**/*.ts', 'bin/**/*.ts'],
    rules: {
      // The shipped code compiles with noUncheckedIndexedAccess (tsconfig.build.json), which needs its
      // `value!` on indexed reads; the linter reads tsconfig.json, without that flag, so it calls them unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Tests read synthesized JSON by path, scripts walk raw swagger: `any` there is the point.
    files: ['test/**/*.ts', 'main.test.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Import boundaries. One entry per file set: a later `no-restricted-imports` replaces an earlier one.
  // The validator judges YAML from anywhere: it never reaches into the constructs or the exercise app,
  // and rule files are reached only through the rule list (lib/tooling/check/rule-registry.ts).
  {
    files: ['lib/tooling/**/*.ts'],
    ignores: ['lib/tooling/check/rule-registry.ts', 'lib/tooling/check/rules/**'],
    rules: forbid(['constructs', 'exercises', 'rules'],
      'lib/tooling must not import the constructs or the exercises, and only the rule list imports rule files (see test/architecture).'),
  },
  // The tools' shared kernel (lib/tooling/foundation) imports no tool.
  {
    files: ['lib/tooling/foundation/**/*.ts'],
    rules: forbid(['constructs', 'exercises', 'check', 'cli', 'compare', 'explain', 'graph', 'simulate', 'kubectl-cache'],
      'lib/tooling/foundation is the tools\' shared kernel: it imports no tool, the constructs or the exercises (see test/architecture).'),
  },
  {
    files: ['lib/tooling/check/rule-registry.ts', 'lib/tooling/check/rules/**/*.ts'],
    rules: forbid(['constructs', 'exercises'], 'lib/tooling must not import the constructs or the exercises (see test/architecture).'),
  },
  // The construct library does not depend on the app built from it, nor on the tooling.
  { files: ['lib/constructs/**/*.ts'], rules: forbid(['exercises', 'tooling'], 'lib/constructs must not import the exercises or the tooling.') },
  { files: ['lib/exercises/**/*.ts'], rules: forbid(['tooling'], 'lib/exercises must not import the tooling.') },
  { files: ['lib/util/**/*.ts'], rules: forbid(['constructs', 'exercises', 'tooling'], 'lib/util is a leaf: it imports no product.') },
);
