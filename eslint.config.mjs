// Flat config: recommended rules, type-aware TypeScript rules over every TypeScript and script
// file, and the house's import zones (scripts/importZones.mjs, from scripts/parts.mjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importZones } from './scripts/importZones.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'demo/**', 'demo-heldout/**', '.tools/**', 'test-artifacts/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with the program of its own part's tsconfig.json (tests: the root one).
        projectService: { allowDefaultProject: ['eslint.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'digit-lens': { rules: { 'import-zones': importZones } } },
    rules: {
      'digit-lens/import-zones': 'error',
      // node:test's test() returns a promise the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Every file is type-checked (scripts too, as checkJs): the compiler knows the globals better.
      'no-undef': 'off',
    },
  },
);
