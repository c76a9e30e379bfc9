import type { ReactiveController } from 'lit';
import type { MspElement } from './base-element.js';
import type { ChartSpec, DrawnChart } from './charts.js';

/** What one `<canvas data-chart="key">` shows, and the data it is drawn from (redrawn when that changes). */
export interface ChartEntry {
  spec: ChartSpec;
  source: unknown;
}

/** The chart colours and font, read from the element's `--msp-*` tokens. */
export function chartStyle(el: Element): { token: (name: string) => string; base: Pick<ChartSpec, 'gridColor' | 'textColor' | 'fontFamily'> } {
  const cs = getComputedStyle(el);
  const token = (name: string) => cs.getPropertyValue(name).trim() || 'currentColor';
  return { token, base: { gridColor: token('--msp-color-border'), textColor: token('--msp-color-text-muted'), fontFamily: token('--msp-font-family') } };
}

/**
 * The charts of one element. chart.js (./charts.ts) arrives as its own chunk on `load()` — only
 * through this dynamic import, so it stays out of the element's entry; a failed load is reported
 * as `msp-error` and tried again on the next `load()`. `draw()` keeps each canvas's chart in step
 * with its entry; charts are destroyed with the element.
 */
export class ChartHost implements ReactiveController {
  private lib: typeof import('./charts.js') | undefined;
  private loading: Promise<void> | undefined;
  private drawn = new Map<string, { canvas: HTMLCanvasElement; source: unknown; chart: DrawnChart }>();

  constructor(private readonly host: MspElement) {
    host.addController(this);
  }

  get loaded(): boolean {
    return this.lib !== undefined;
  }

  load(): Promise<void> {
    this.loading ??= import('./charts.js').then(
      (lib) => {
        this.lib = lib;
        this.host.requestUpdate();
      },
      (error: unknown) => {
        this.loading = undefined;
        this.host.emit('msp-error', { type: 'network_error', message: `Charts could not be loaded: ${error instanceof Error ? error.message : String(error)}` });
      },
    );
    return this.loading;
  }

  /** Draws each `canvas[data-chart]` under `root` from its entry (asked for only when there is something to draw). */
  draw(root: ParentNode, entries: () => Map<string, ChartEntry>): void {
    const lib = this.lib;
    const canvases = new Map<string, HTMLCanvasElement>();
    for (const canvas of Array.from(root.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]'))) canvases.set(canvas.dataset.chart!, canvas);
    const wanted = lib && canvases.size ? entries() : new Map<string, ChartEntry>();
    for (const [key, d] of this.drawn) {
      const entry = wanted.get(key);
      if (canvases.get(key) !== d.canvas || !entry || !sameSource(entry.source, d.source)) {
        d.chart.destroy();
        this.drawn.delete(key);
      }
    }
    if (!lib) return;
    for (const [key, { spec, source }] of wanted) {
      const canvas = canvases.get(key);
      if (canvas && !this.drawn.has(key)) this.drawn.set(key, { canvas, source, chart: lib.drawChart(canvas, spec) });
    }
  }

  hostDisconnected(): void {
    for (const d of this.drawn.values()) d.chart.destroy();
    this.drawn.clear();
  }
}

/** Sources given as arrays (data and the theme it was coloured with) are the same when their items are. */
function sameSource(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => v === b[i]) : a === b;
}
