import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', 'bin/ciclo'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The event store is reached through its port (libs/event-store/src/event-store.ts) and what
    // its index exports: nothing else imports the adapters' files, tests an adapter's class, or
    // names its tables in SQL (libs/domain's own rule below is stricter still).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/event-store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/event-store/src/**', '@ciclo/event-store/**'], message: "Import from '@ciclo/event-store' (its index), not from an adapter's files." },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator='instanceof'][right.name=/^(PostgresEventStore|KurrentDbEventStore)$/]",
          message: 'Use the EventStore port (supports(), its methods) instead of testing the adapter.',
        },
        {
          selector: 'Literal[value=/\\bes_(events|streams|seals|checkpoints)\\b/]',
          message: "The event store's tables belong to libs/event-store: go through the port.",
        },
        {
          selector: 'TemplateElement[value.raw=/\\bes_(events|streams|seals|checkpoints)\\b/]',
          message: "The event store's tables belong to libs/event-store: go through the port.",
        },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'pg', 'typeorm', 'bullmq', 'ioredis', '@ciclo/*', 'fs', 'node:*'] }],
    },
  },
  {
    // What the running system loads must be a production dependency: the image and a server
    // install only `npm ci --omit=dev` (test/deployment/production-install.spec.ts runs it).
    // apps/web is a Vite app whose packages are bundled at build time: not checked here.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts', 'apps/web/**'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/internal-regex': '^@ciclo/' },
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: false, optionalDependencies: false, peerDependencies: false, includeTypes: false, packageDir: import.meta.dirname },
      ],
    },
  },
);
