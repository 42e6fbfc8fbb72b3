import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  // test/fixtures/projects and /repositories hold functions as their authors wrote them, not limg's code.
  {ignores: ['dist/**', 'node_modules/**', 'templates/**', 'base/**', '.cache/**', 'test/fixtures/projects/**', 'test/fixtures/repositories/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', 'base/**/*.js', 'eslint.config.js'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly'}},
  },
)
