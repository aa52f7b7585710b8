import { LEVELS } from '../framework/ict-cft.ts';
import type { QuarterFigures } from './trend.ts';

// Geometry of the trend chart (views/reports/_trend-chart.ejs draws it as SVG): one line per
// level, each with its own dash pattern and marker shape so it reads without colour.

export const CHART = { width: 640, height: 260, left: 44, right: 16, top: 16, bottom: 40 };
const STYLES = [
  { color: '#0b5cad', dash: '', marker: 'circle' },
  { color: '#b35c00', dash: '6 4', marker: 'square' },
  { color: '#2e7d32', dash: '2 3', marker: 'triangle' },
] as const;

export interface ChartLine {
  level: string;
  color: string;
  dash: string;
  marker: 'circle' | 'square' | 'triangle';
  points: { x: number; y: number; percent: number }[];
}

export function chartOf(quarters: QuarterFigures[]) {
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const x = (i: number) => CHART.left + (quarters.length <= 1 ? plotW / 2 : (i * plotW) / (quarters.length - 1));
  const y = (p: number) => CHART.top + plotH - (p / 100) * plotH;
  const lines: ChartLine[] = LEVELS.map((level, l) => ({
    level: level.code,
    ...STYLES[l]!,
    points: quarters.map((q, i) => ({ x: x(i), y: y(q.levels[l]!.percent), percent: q.levels[l]!.percent })),
  }));
  const ticks = [0, 25, 50, 75, 100].map((p) => ({ percent: p, y: y(p) }));
  const labels = quarters.map((q, i) => ({ text: q.label, x: x(i) }));
  return { ...CHART, lines, ticks, labels, bottomY: CHART.top + plotH };
}
