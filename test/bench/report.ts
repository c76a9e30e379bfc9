import fs from 'node:fs';
import os from 'node:os';

/** What the benchmarks share: argument checks, the machine's description, the docs section. */

export function positiveInt(name: string, value: string | undefined, usage: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer\n\n${usage}`);
    process.exit(2);
  }
  return n;
}

export function cpuModel(): string {
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    return info.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

export const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

/** A count with thousands separators, as the tables print them. */
export const n = (v: number) => v.toLocaleString('en-US');

/**
 * Replaces the generated block between `start` and `end` in `file`; when the markers are
 * missing, appends `preamble` (hand-written text that introduces the block) and the block.
 */
export function writeGeneratedSection(file: string, start: string, end: string, results: string, opts: { empty: string; preamble?: string }): void {
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : opts.empty;
  if (!doc.includes(start) || !doc.includes(end)) {
    doc = `${doc.trimEnd()}\n\n${opts.preamble ? `${opts.preamble}\n\n` : ''}${start}\n${end}\n`;
  }
  const before = doc.slice(0, doc.indexOf(start) + start.length);
  const after = doc.slice(doc.indexOf(end));
  fs.writeFileSync(file, `${before}\n${results}\n${after}`);
}
