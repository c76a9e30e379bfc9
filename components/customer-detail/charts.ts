/**
 * The customer detail's charts, drawn with chart.js. This module is only ever loaded with a
 * dynamic `import()` when the Security or Usage tab is first shown, so chart.js is a separate
 * chunk and stays out of the element's initial bundle (test/components/bundle-size.test.ts).
 */
import { BarController, BarElement, CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip);

export interface ChartSpec {
  kind: 'line' | 'bar';
  labels: string[];
  values: number[];
  /** Dataset name in the tooltip. */
  label: string;
  /** Resolved colours (the element reads them from its `--msp-*` tokens). */
  color: string;
  gridColor: string;
  textColor: string;
  fontFamily: string;
  yMin?: number;
  yMax?: number;
}

export interface DrawnChart {
  destroy(): void;
}

export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): DrawnChart {
  const reduceMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const scale = { grid: { color: spec.gridColor }, ticks: { color: spec.textColor, font: { family: spec.fontFamily } }, border: { color: spec.gridColor } };
  return new Chart(canvas, {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: [
        {
          label: spec.label,
          data: spec.values,
          borderColor: spec.color,
          backgroundColor: spec.color,
          pointRadius: 0,
          pointHoverRadius: 3,
          borderWidth: spec.kind === 'line' ? 2 : 0,
          tension: 0.25,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 250 },
      interaction: { mode: 'index', intersect: false },
      plugins: { tooltip: { enabled: true } },
      scales: {
        x: { ...scale, ticks: { ...scale.ticks, maxTicksLimit: 6, maxRotation: 0 } },
        y: { ...scale, beginAtZero: spec.yMin === undefined, ...(spec.yMin !== undefined ? { min: spec.yMin } : {}), ...(spec.yMax !== undefined ? { max: spec.yMax } : {}), ticks: { ...scale.ticks, precision: 0 } },
      },
    },
  });
}
