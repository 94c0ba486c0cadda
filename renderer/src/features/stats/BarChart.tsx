import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';

/**
 * One bar chart on a canvas, drawn by Chart.js with only the pieces it uses registered (bars, a
 * category and a linear axis, tooltips), in the app's colours and font. The canvas is an image to
 * assistive technology (its label sums the plot up); each plot's figure carries a table of the same
 * figures as its text alternative.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface BarChartProps {
  /** Summary read out for the canvas, e.g. "Histogram of NAR sizes: most paths are 1 KiB – 2 KiB". */
  label: string;
  labels: string[];
  values: number[];
  /** Horizontal bars (the labels on the left), for long names. */
  horizontal?: boolean;
  /** How a value is written on its axis and in the tooltip. */
  formatValue: (value: number) => string;
  /** The tooltip's lines for bar i (default: its value). */
  tooltip?: (index: number) => string[];
  /** Bar i was clicked. */
  onSelect?: (index: number) => void;
  height: number;
}

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

export function BarChart({ label, labels, values, horizontal, formatValue, tooltip, onSelect, height }: BarChartProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // The callbacks change every render; the chart reads the latest through refs instead of being rebuilt.
  const latest = useRef({ formatValue, tooltip, onSelect });
  latest.current = { formatValue, tooltip, onSelect };

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const accent = cssVar('--accent', '#0b63c4');
    const muted = cssVar('--muted', '#5a6472');
    const grid = cssVar('--border', '#d6dbe2');
    const font = { family: cssVar('--font', 'system-ui'), size: 12 };
    const valueAxis = {
      beginAtZero: true,
      grid: { color: grid },
      border: { display: false },
      ticks: { color: muted, font, maxTicksLimit: 6, callback: (value: string | number) => latest.current.formatValue(Number(value)) },
    };
    const labelAxis = { grid: { display: false }, border: { color: grid }, ticks: { color: muted, font, autoSkip: !horizontal, maxRotation: 0 } };
    const chart = new Chart(canvas, {
      type: 'bar',
      data: { labels, datasets: [{ data: values, backgroundColor: accent, hoverBackgroundColor: cssVar('--accent-hover', '#0950a0'), borderRadius: 2, maxBarThickness: horizontal ? 18 : 48 }] },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        // Drawn at once: a chart that animates in makes a reload look slow and screenshots unstable.
        animation: false,
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          tooltip: {
            displayColors: false,
            titleFont: { ...font, weight: 'bold' },
            bodyFont: font,
            callbacks: {
              label: (item) => latest.current.tooltip?.(item.dataIndex) ?? latest.current.formatValue(item.parsed[horizontal ? 'x' : 'y'] ?? 0),
            },
          },
        },
        onClick: (_event, elements) => {
          const first = elements[0];
          if (first) latest.current.onSelect?.(first.index);
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length && latest.current.onSelect ? 'pointer' : 'default';
        },
      },
    });
    return () => chart.destroy();
  }, [labels, values, horizontal]);

  return (
    <div className="chart" style={{ height }}>
      <canvas ref={canvasRef} role="img" aria-label={label} />
    </div>
  );
}
