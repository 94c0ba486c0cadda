import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is built once into dist/renderer and served by both shells: Electron's app:// protocol
// and `narwhal serve`. Relative asset URLs keep it working under either origin.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts: the Content-Security-Policy allows only 'self'.
    modulePreload: { polyfill: false },
  },
});
