import { formatCount } from '../../ui/format';

/**
 * The Stats tab's numbers in words and the labels of its plots. Pure, so the wording is tested
 * without a browser.
 */

const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** A power of two as the histogram labels it: "512 B", "1 KiB", "64 MiB". */
export function powerOfTwoLabel(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < binaryUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatCount(Math.round(value))} ${binaryUnits[unit]}`;
}

/** A histogram bucket: "1 KiB – 2 KiB", or "under 2 B" for the first. */
export const bucketLabel = (from: number, to: number): string => (from === 0 ? `under ${powerOfTwoLabel(to)}` : `${powerOfTwoLabel(from)} – ${powerOfTwoLabel(to)}`);

/** How much smaller the download is than the NAR: "3.2×", or "–" when there is nothing to compare. */
export function ratioText(narBytes: number, fileBytes: number): string {
  if (narBytes <= 0 || fileBytes <= 0) return '–';
  const ratio = narBytes / fileBytes;
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
}

/** A share of all paths, "42.1 %", never "100 %" unless it is all and never "0 %" unless it is none. */
export function percentText(part: number, whole: number): string {
  if (whole <= 0) return '–';
  if (part === whole) return '100 %';
  if (part === 0) return '0 %';
  const percent = (100 * part) / whole;
  const text = percent < 0.1 ? '< 0.1' : percent > 99.9 ? '> 99.9' : percent.toFixed(1);
  return `${text} %`;
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** The start of a day or week of the "added" plot: "2 Nov 2026", "week of 2 Nov 2026". */
export const periodLabel = (start: number, unit: 'day' | 'week'): string => (unit === 'week' ? `week of ${dayFormat.format(start)}` : dayFormat.format(start));

/** The short label under the bar: "2 Nov", or the year too when the plot spans years. */
export function periodTick(start: number, spansYears: boolean): string {
  const parts = dayFormat.formatToParts(start);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return spansYears ? `${get('month')} ${get('year')}` : `${get('day')} ${get('month')}`;
}

/** How long ago the index was refreshed: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function agoText(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${formatCount(Math.round(hours / 24))} days ago`;
}

/** A store path's name for a plot label, cut in the middle when long: names differ at both ends. */
export function shortName(name: string, max = 36): string {
  if (name.length <= max) return name;
  const head = Math.ceil((max - 1) / 2);
  return `${name.slice(0, head)}…${name.slice(name.length - (max - 1 - head))}`;
}
