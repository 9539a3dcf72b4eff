import { defineConfig } from 'vite';
import { resolve } from 'node:path';

/** The console: built into dist/web, served by the API on its own origin (see apps/api/src/console.ts). */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // react-router marks its modules "use client" for server rendering, which a browser bundle does not need.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npx vite apps/web` during development: the API on :3000 answers the data.
    proxy: Object.fromEntries(
      ['/auth', '/cycles', '/inbox', '/deadlines', '/definitions', '/audit', '/calendar', '/notifications', '/tenants', '/catalogue', '/health', '/admin', '/me'].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
