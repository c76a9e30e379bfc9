/**
 * The report's charts, drawn with chart.js. Only ever loaded with a dynamic `import()` once a
 * report is on screen, so chart.js is a separate chunk and stays out of the element's entry
 * (test/components/bundle-size.test.ts). Every chart also has a text summary and a table.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip);

export interface ReportChartSpec {
  kind: 'line' | 'bar';
  labels: string[];
  values: number[];
  label: string;
  /** One colour, or one per bar. */
  colors: string | string[];
  gridColor: string;
  textColor: string;
  fontFamily: string;
  yMax?: number;
}

export interface DrawnChart {
  destroy(): void;
}

export function drawReportChart(canvas: HTMLCanvasElement, spec: ReportChartSpec): DrawnChart {
  const reduceMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const printing = window.matchMedia?.('print').matches ?? false;
  const scale = { grid: { color: spec.gridColor }, ticks: { color: spec.textColor, font: { family: spec.fontFamily } }, border: { color: spec.gridColor } };
  return new Chart(canvas, {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: [
        {
          label: spec.label,
          data: spec.values,
          borderColor: spec.colors,
          backgroundColor: spec.colors,
          pointRadius: spec.values.length > 40 ? 0 : 2,
          pointHoverRadius: 4,
          borderWidth: spec.kind === 'line' ? 2 : 0,
          tension: 0.25,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion || printing ? false : { duration: 250 },
      interaction: { mode: 'index', intersect: false },
      plugins: { tooltip: { enabled: true } },
      scales: {
        x: { ...scale, ticks: { ...scale.ticks, maxTicksLimit: 8, maxRotation: 0 } },
        y: { ...scale, beginAtZero: true, ...(spec.yMax !== undefined ? { max: spec.yMax } : {}), ticks: { ...scale.ticks, precision: 0 } },
      },
    },
  });
}
