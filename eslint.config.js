// ESLint (flat config): typescript-eslint's recommended type-checked rules on every TypeScript file — the
// collector (src/), its tests and benchmarks, the viewer's browser code (src/viewer/ui, its own tsconfig) and
// workspace packages (packages/*) — plus eslint's recommended rules on the plain-JS scripts. Type information
// comes from the nearest tsconfig.json of each file (projectService).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      '.kubepulse/**',
      '**/dist/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits; awaiting them at top level is noise.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      // `{ dropped: _x, ...kept }` is how this code omits fields from a copy; `_` marks a deliberately unused name.
      '@typescript-eslint/no-unused-vars': ['error', {
        ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_',
      }],
      // Fakes and adapters implement async interfaces without awaiting; `async` keeps their throws as rejections.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
