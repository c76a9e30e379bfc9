import { defineConfig } from 'vite';

/**
 * Widget library build (`npm run build:components`): ESM, one entry per element plus the index,
 * Lit bundled, into dist/components/. Type declarations come from `tsc -p tsconfig.components.json`.
 */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/components',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: true,
    lib: {
      entry: {
        index: 'components/index.ts',
        'msp-provider': 'components/msp-provider.ts',
        'msp-fleet-table': 'components/msp-fleet-table.ts',
        'msp-customer-create': 'components/msp-customer-create.ts',
        'msp-customer-tabs': 'components/msp-customer-tabs.ts',
        'msp-license-meter': 'components/msp-license-meter.ts',
        'msp-customer-detail': 'components/msp-customer-detail.ts',
        'msp-ip-distribution': 'components/msp-ip-distribution.ts',
        'msp-report-viewer': 'components/msp-report-viewer.ts',
        'msp-scan-schedules': 'components/msp-scan-schedules.ts',
        'msp-notification-settings': 'components/msp-notification-settings.ts',
        'msp-finding-search': 'components/msp-finding-search.ts',
        'msp-theme-editor': 'components/msp-theme-editor.ts',
        'msp-usage-report': 'components/msp-usage-report.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
