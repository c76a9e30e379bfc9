import { svg, type SVGTemplateResult } from 'lit';

/**
 * A posture-trend sparkline as inline SVG: a polyline over the daily scores, oldest first.
 * No chart library — this is the only chart the fleet table draws, and it stays out of core.
 */
export function sparkline(history: readonly number[], width = 56, height = 20): SVGTemplateResult | null {
  if (history.length < 2) return null;
  const min = Math.min(...history);
  const max = Math.max(...history);
  const span = max - min || 1;
  const step = width / (history.length - 1);
  const pad = 2;
  const points = history
    .map((v, i) => `${(i * step).toFixed(1)},${(pad + (height - 2 * pad) * (1 - (v - min) / span)).toFixed(1)}`)
    .join(' ');
  const last = points.split(' ').pop()!.split(',');
  return svg`<svg part="sparkline" class="sparkline" viewBox="0 0 ${width} ${height}" width=${width} height=${height} aria-hidden="true" focusable="false">
    <polyline points=${points} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"></polyline>
    <circle cx=${last[0]} cy=${last[1]} r="2" fill="currentColor"></circle>
  </svg>`;
}
