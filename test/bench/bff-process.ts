import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts the BFF as the benchmarks run it (bff-server.ts in its own process, rate limit out of
 * the way) on the database at `url`; resolves with the process and the port it listens on.
 */
export async function startBff(url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'bff-server.ts')], {
    cwd: path.resolve(here, '../..'),
    env: { ...process.env, DATABASE_URL: url, PORTICO_RATE_LIMIT: '100000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the BFF did not start within 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the BFF exited with code ${code} before listening`));
    });
  });
  return { child, port };
}
