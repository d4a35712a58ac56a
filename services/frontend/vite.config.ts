import { defineConfig } from 'vite';

// The client lives in client/ and is built next to the server's compiled code, which serves it.
export default defineConfig({
  root: 'client',
  // Three.js alone is ~500 kB minified; one chunk is fine for a game that needs all of it to start.
  build: { outDir: '../dist/public', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
