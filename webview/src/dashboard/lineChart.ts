// A line chart drawn by uPlot (canvas; its axes, grid, legend and cursor are uPlot's own), in the
// VS Code theme's colours, sized to its container and redrawn when the data or the size change.
// The figure around it is keyboard reachable and says in words what it shows (aria-label).
import uPlot from 'uplot';
import type { Columns } from './dashboardModel';

export interface SeriesStyle {
  label: string;
  /** A VS Code theme colour variable (e.g. --vscode-charts-blue) and its fallback. */
  colour: [string, string];
  dash?: number[];
  /** Points only (a measurement at a few steps, a marked point), no line. */
  pointsOnly?: boolean;
  width?: number;
  /** Values are fractions: the legend shows percents. */
  percent?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: SeriesStyle[];
  /** Both axes' values are fractions 0..1 shown as percents (the coverage chart). */
  xPercent?: boolean;
  yPercent?: boolean;
  yRange?: [number, number];
  xRange?: [number, number];
}

/** A theme colour: the variable's value as the page has it now, else the fallback (no theme injected). */
export function themeColour([variable, fallback]: [string, string]): string {
  return getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || fallback;
}

const percentText = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const numberText = (v: number | null): string => (v === null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(3));

export class LineChart {
  private plot: uPlot | undefined;
  private data: Columns | undefined;
  readonly figure: HTMLElement;
  private readonly holder: HTMLElement;

  constructor(
    parent: HTMLElement,
    private readonly spec: ChartSpec,
    readonly id: string,
  ) {
    this.figure = document.createElement('figure');
    this.figure.className = 'chart';
    this.figure.id = id;
    this.figure.tabIndex = 0;
    this.figure.setAttribute('role', 'img');
    const caption = document.createElement('figcaption');
    caption.textContent = spec.title;
    this.holder = document.createElement('div');
    this.holder.className = 'chart-plot';
    this.figure.append(caption, this.holder);
    parent.append(this.figure);
    new ResizeObserver(() => this.resize()).observe(this.holder);
  }

  /** Draws `data` (x column, then one column per series of the spec); `summary` is what a screen reader hears. */
  setData(data: Columns, summary: string): void {
    this.data = data;
    this.figure.setAttribute('aria-label', `${this.spec.title}: ${summary}`);
    this.figure.dataset.points = String(data[0].length);
    if (this.plot) this.plot.setData(data);
    else this.create();
  }

  /** The theme changed (VS Code sets new variables): drawn anew in its colours. */
  restyle(): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (this.data) this.create();
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.holder.clientWidth), height: 220 };
  }

  private resize(): void {
    if (this.plot) this.plot.setSize(this.size());
  }

  private create(): void {
    if (!this.data) return;
    const foreground = themeColour(['--vscode-foreground', '#cccccc']);
    const grid = themeColour(['--vscode-charts-lines', 'rgba(128,128,128,0.35)']);
    const axis = (label: string, asPercent: boolean | undefined): uPlot.Axis => ({
      label,
      stroke: foreground,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      values: asPercent ? (_u, values) => values.map((v) => `${Math.round(v * 100)}%`) : undefined,
    });
    const series: uPlot.Series[] = [
      { label: this.spec.xLabel, value: (_u, v) => (this.spec.xPercent ? percentText(v) : numberText(v)) },
      ...this.spec.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: themeColour(s.colour),
          width: s.pointsOnly ? 0 : (s.width ?? 1.5),
          dash: s.dash,
          spanGaps: !s.pointsOnly,
          points: s.pointsOnly ? { show: true, size: 9, fill: themeColour(s.colour), stroke: foreground, width: 1.5 } : { show: false },
          value: (_u, v) => (s.percent ? percentText(v) : numberText(v)),
        }),
      ),
    ];
    const options: uPlot.Options = {
      ...this.size(),
      series,
      axes: [axis(this.spec.xLabel, this.spec.xPercent), axis(this.spec.yLabel, this.spec.yPercent)],
      scales: {
        x: { time: false, ...(this.spec.xRange ? { range: this.spec.xRange } : {}) },
        y: this.spec.yRange ? { range: this.spec.yRange } : {},
      },
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(options, this.data, this.holder);
  }
}
