// Finds a Chromium for browser tests: CHROME_PATH, then the usual system paths; installs
// Debian's `chromium` when running as root with apt-get; otherwise says what to install.
// No test tool downloads a browser of its own.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const candidates = [
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
].filter(Boolean);

const executable = (p) => {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function findChromium({ install = true } = {}) {
  if (process.env.CHROME_PATH && !executable(process.env.CHROME_PATH)) {
    throw new Error(`CHROME_PATH=${process.env.CHROME_PATH} is not an executable file.`);
  }
  const found = candidates.find(executable);
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = executable('/usr/bin/apt-get');
  if (install && isRoot && hasApt) {
    console.log('No Chromium found; installing Debian\'s chromium package with apt-get…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(
    'The browser tests need Chromium and none was found.\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium\n' +
      '  macOS:         brew install --cask chromium\n' +
      'or point CHROME_PATH at a Chromium or Chrome executable.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(findChromium());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
