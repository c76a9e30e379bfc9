/**
 * The elements' charts, drawn with chart.js. Only ever loaded with a dynamic `import()` (through
 * ./chart-host.ts) once a chart is on screen, so chart.js is a separate chunk and stays out of
 * every element's entry (test/components/bundle-size.test.ts). Every chart also has a text
 * summary or a table beside it.
 */
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

/** One dataset of a chart with several (grouped bars, several lines). */
export interface ChartSeries {
  label: string;
  values: number[];
  /** One colour, or one per bar. */
  color: string | string[];
}

export interface ChartSpec {
  kind: 'line' | 'bar';
  labels: string[];
  values: number[];
  /** Dataset name in the tooltip. */
  label: string;
  /** Resolved colours (the element reads them from its `--msp-*` tokens): one, or one per bar. */
  color: string | string[];
  gridColor: string;
  textColor: string;
  fontFamily: string;
  /** Without a minimum the axis starts at zero. */
  yMin?: number;
  yMax?: number;
  /** Dots on a line: 0 draws none. */
  pointRadius: number;
  pointHoverRadius: number;
  maxXTicks: number;
  /** Drawn at once when printing too (a printed chart caught mid-animation is half drawn). */
  stillInPrint?: boolean;
  /** Several datasets, shown with a legend, instead of `values` / `label` / `color`. */
  series?: ChartSeries[];
  /** A click on the chart: the label index and the series nearest to it along the x axis. */
  onPick?: (index: number, series: number) => void;
}

export interface DrawnChart {
  destroy(): void;
}

export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): DrawnChart {
  const reduceMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const printing = spec.stillInPrint === true && (window.matchMedia?.('print').matches ?? false);
  const scale = { grid: { color: spec.gridColor }, ticks: { color: spec.textColor, font: { family: spec.fontFamily } }, border: { color: spec.gridColor } };
  const series = spec.series ?? [{ label: spec.label, values: spec.values, color: spec.color }];
  const onPick = spec.onPick;
  return new Chart(canvas, {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.values,
        borderColor: s.color,
        backgroundColor: s.color,
        pointRadius: spec.pointRadius,
        pointHoverRadius: spec.pointHoverRadius,
        borderWidth: spec.kind === 'line' ? 2 : 0,
        tension: 0.25,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion || printing ? false : { duration: 250 },
      interaction: { mode: 'index', intersect: false },
      ...(onPick
        ? {
            onClick: (event, _elements, chart) => {
              const [hit] = chart.getElementsAtEventForMode(event as unknown as Event, 'nearest', { intersect: false, axis: 'x' }, false);
              if (hit) onPick(hit.index, hit.datasetIndex);
            },
            onHover: (event, elements) => {
              const target = event.native?.target as HTMLElement | undefined;
              if (target) target.style.cursor = elements.length ? 'pointer' : '';
            },
          }
        : {}),
      plugins: {
        tooltip: { enabled: true },
        legend: { display: !!spec.series, labels: { color: spec.textColor, font: { family: spec.fontFamily } } },
      },
      scales: {
        x: { ...scale, ticks: { ...scale.ticks, maxTicksLimit: spec.maxXTicks, maxRotation: 0 } },
        y: { ...scale, beginAtZero: spec.yMin === undefined, ...(spec.yMin !== undefined ? { min: spec.yMin } : {}), ...(spec.yMax !== undefined ? { max: spec.yMax } : {}), ticks: { ...scale.ticks, precision: 0 } },
      },
    },
  });
}
