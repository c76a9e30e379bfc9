import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The demo portal as a static site in dist/demo. `npm start` builds it with this file and serves
 * it from the same server as the BFF, so the page and the API share one origin.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/demo', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The portal is tiny; the widgets are the part worth looking at in devtools.
    chunkSizeWarningLimit: 1000,
  },
});
