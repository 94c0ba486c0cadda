import type { IndexRow } from '../../../../shared/api/contract';
import { indexSortColumns } from '../../../../shared/api/contract';
import { formatCount } from '../../ui/format';
import { formatBytes } from '../push/figures';

export type IndexSortColumn = (typeof indexSortColumns)[number];

export interface Column {
  id: IndexSortColumn;
  label: string;
  /** Numbers line up on the right. */
  numeric?: boolean;
  /** The first click sorts this way: sizes and dates are looked at largest and newest first. */
  firstDescending?: boolean;
}

/** The table's columns, in order; every one sorts (the SQL of each is in the index's page query). */
export const columns: readonly Column[] = [
  { id: 'name', label: 'Name' },
  { id: 'hash', label: 'Hash' },
  { id: 'narSize', label: 'NAR size', numeric: true, firstDescending: true },
  { id: 'fileSize', label: 'Download', numeric: true, firstDescending: true },
  { id: 'compression', label: 'Compression' },
  { id: 'references', label: 'Refs', numeric: true, firstDescending: true },
  { id: 'signatures', label: 'Signatures' },
  { id: 'lastModified', label: 'Last modified', firstDescending: true },
];
// Every sort the index offers has a column, and no column sorts on what the index cannot.
if (columns.length !== indexSortColumns.length) throw new Error('columns.ts and indexSortColumns disagree');

/** "signed by k1", "signed by k1, k2", "unsigned"; a narinfo that does not parse has no signatures to speak of. */
export function signatureText(row: Pick<IndexRow, 'signers' | 'error'>): string {
  if (row.error !== undefined) return '—';
  if (row.signers.length === 0) return 'unsigned';
  return `signed by ${row.signers.join(', ')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-03 21:55`, local time: sortable at a glance and the same width in every row. */
export function formatModified(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The text of one cell, as shown and as read out. */
export function cellText(row: IndexRow, column: IndexSortColumn): string {
  switch (column) {
    case 'name':
      // The hash has its own column: the reason alone, without the file name it starts with.
      return row.name ?? row.error?.replace(/^[0-9a-df-np-sv-z]{32}\.narinfo:?\s*/, '') ?? '';
    case 'hash':
      return row.hash;
    case 'narSize':
      return row.narSize === undefined ? '—' : formatBytes(row.narSize);
    case 'fileSize':
      return row.fileSize === undefined ? '—' : formatBytes(row.fileSize);
    case 'compression':
      return row.compression ?? '—';
    case 'references':
      return row.error !== undefined ? '—' : formatCount(row.references);
    case 'signatures':
      return signatureText(row);
    case 'lastModified':
      return formatModified(row.lastModified);
  }
}

/** A path's base name for its page's URL: `<hash>-<name>`, or the hash alone when the narinfo has no usable name. */
export const baseNameOf = (row: Pick<IndexRow, 'hash' | 'name'>): string => (row.name ? `${row.hash}-${row.name}` : row.hash);

export const storePathOf = (row: Pick<IndexRow, 'hash' | 'name'>): string => `/nix/store/${baseNameOf(row)}`;
