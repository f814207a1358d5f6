// The process boundary is part of the path, and this file enforces it:
// - src-shared is pure: no electron, no node: modules, no DOM globals;
// - src-renderer never imports src-main (nor electron, nor node:);
// - only the preload touches ipcRenderer.
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteParser from 'svelte-eslint-parser';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https',
  'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

const DOM_GLOBALS = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'HTMLElement', 'Element', 'fetch', 'WebSocket', 'self'];

const sharedImports = {
  paths: NODE_BUILTINS.map((name) => ({ name, message: 'src-shared must not import Node built-ins.' })),
  patterns: [
    { group: ['electron', 'electron/*'], message: 'src-shared must not import electron.' },
    { group: ['node:*'], message: 'src-shared must not import node: modules.' },
    { group: ['**/src-main/**', '**/src-renderer/**'], message: 'src-shared must not import from main or renderer.' },
  ],
};

const rendererImports = {
  patterns: [
    { group: ['**/src-main/**', '**/src-main'], message: 'src-renderer must not import src-main: talk to the services through lib/api.ts.' },
    { group: ['electron', 'electron/*'], message: 'src-renderer must not import electron: the preload exposes the contract.' },
    { group: ['node:*'], message: 'src-renderer runs in a browser: no node: modules.' },
  ],
};

const noIpcRenderer = {
  selector: "Identifier[name='ipcRenderer']",
  message: 'Only src-main/electron/preload.ts may touch ipcRenderer.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'bench-results/**', 'test-artifacts/**'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noIpcRenderer],
    },
  },
  {
    files: ['src-renderer/**/*.svelte'],
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser } },
    rules: { 'no-restricted-syntax': ['error', noIpcRenderer], 'no-restricted-imports': ['error', rendererImports] },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', sharedImports],
      'no-restricted-globals': ['error', ...DOM_GLOBALS.map((name) => ({ name, message: `src-shared must not use the DOM global ${name}.` }))],
    },
  },
  {
    files: ['src-renderer/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', rendererImports] },
  },
  {
    // The preload, and the test harness that stands in for the electron module around it.
    files: ['src-main/electron/preload.ts', 'tests/helpers/electron-harness.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
