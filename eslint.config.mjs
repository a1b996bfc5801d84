// ESLint as the TypeScript ecosystem sets it up: typescript-eslint's strict, type-checked rules,
// with formatting left to Prettier (`npm run format`). `npm run lint` runs both checks.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import layers from './eslint.layers.cjs';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'coverage/',
      'bench/results/',
      'src/migrations/',
      '*.config.js',
      '*.config.mjs',
      'eslint.layers.cjs',
      'jest.esm-transform.js',
    ],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Numbers and booleans in messages read fine; objects would not, and stay refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // type-graphql resolvers, inputs and entities are classes by design.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // `(x) => log(x)` callbacks are not confusing; a void value used anywhere else still is.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Apollo's and Fastify's hooks are async by their interface, whether or not they await.
      '@typescript-eslint/require-await': 'off',
      // type-graphql object types are classes that resolvers fill as plain objects, by design.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // `_unused` parameters keep positional signatures (Fastify and Apollo hooks) readable.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Specs read GraphQL responses as the untyped JSON they are, and assert rather than guard.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // The layers of src/: an import pointing the wrong way fails the lint.
  ...layers.layerRules('src', import.meta.dirname),
  prettier,
);
