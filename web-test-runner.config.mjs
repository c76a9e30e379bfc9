// Component tests in real Chromium: `npm run test:components`.
// The browser is never downloaded: CHROME_PATH (set by scripts/test.mjs) or /usr/bin/chromium.
// The network is mocked with msw's service worker, served from node_modules at /mockServiceWorker.js
// so its scope covers the test pages.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher, defaultReporter, summaryReporter } from '@web/test-runner';

const root = path.dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) {
  console.error(`Chromium not found at ${executablePath}; set CHROME_PATH.`);
  process.exit(1);
}
const isPreset = (p) => p.startsWith('/themes/') && p.endsWith('.json');
const mswWorker = path.join(root, 'node_modules/msw/lib/mockServiceWorker.js');

export default {
  rootDir: root,
  files: ['test/components/**/*.spec.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  concurrency: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 10_000 } },
  reporters: [defaultReporter(), summaryReporter()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--headless=new',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
        ],
      },
    }),
  ],
  middleware: [
    function serveMswWorker(context, next) {
      if (context.path === '/mockServiceWorker.js') {
        context.type = 'application/javascript';
        context.set('Service-Worker-Allowed', '/');
        context.body = fs.readFileSync(mswWorker, 'utf8');
        return;
      }
      return next();
    },
  ],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(root, 'tsconfig.json') }),
    {
      // The theme presets are imported as JSON modules (`with { type: 'json' }`), which the esbuild
      // transform drops; serve them as JS modules instead.
      name: 'json-modules',
      resolveMimeType(context) {
        if (isPreset(context.path)) return 'js';
      },
      transform(context) {
        if (isPreset(context.path)) return { body: `export default ${context.body};` };
      },
    },
  ],
};
