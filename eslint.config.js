// Type-aware lint rules over src, tests and benchmarks, and the folder boundaries of src/.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import boundaries from './scripts/eslint-rules/boundaries.js'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.forcebridge/**',
      'test-results/**',
      '.doc-snippets/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // ARCHITECTURE.md's "may import" table and "other folders only through their index.ts".
  {
    files: ['src/**/*.ts'],
    plugins: { forcebridge: { rules: { boundaries } } },
    rules: { 'forcebridge/boundaries': 'error' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // Plain Node scripts (the bin entry, build scripts): Node's globals.
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  // The dashboard's script (src/admin/assets/admin.js): a classic browser script, with the
  // browser globals it uses and no others.
  {
    files: ['src/**/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        window: 'readonly',
        location: 'readonly',
        fetch: 'readonly',
      },
    },
  },
)
