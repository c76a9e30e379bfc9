import { performance } from 'node:perf_hooks';

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentiles of a sample of milliseconds. */
export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  const sum = s.reduce((a, b) => a + b, 0);
  return { n: s.length, p50: at(50), p99: at(99), mean: s.length ? sum / s.length : NaN, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

/**
 * Runs `fn` `warmup` times untimed, then `iterations` times one after another — or fewer (but
 * at least 30) when that would take longer than `maxSeconds`.
 */
export async function timeSequential(iterations: number, fn: () => Promise<unknown>, warmup = 10, maxSeconds = Infinity): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const end = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < iterations && (i < 30 || performance.now() < end); i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

/** `workers` loops calling `fn` back to back for `seconds`: throughput and latency under load. */
export async function timeConcurrent(
  workers: number,
  seconds: number,
  fn: () => Promise<unknown>,
): Promise<Stats & { perSecond: number }> {
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { ...stats(samples), perSecond: samples.length / elapsed };
}

export const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) : '–');
