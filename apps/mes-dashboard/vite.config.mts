import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const dir = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Built by tools/build.mjs into apps/mes-dashboard/dist/bundle; mes-api serves it at /dashboard/.
export default defineConfig({
  root: dir('.'),
  base: '/dashboard/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: dir('dist/bundle'),
    emptyOutDir: true,
    sourcemap: true,
    // Tests (*.spec.tsx) are compiled by tsc for the unit tier, never bundled.
    rollupOptions: { input: dir('index.html') },
  },
});
