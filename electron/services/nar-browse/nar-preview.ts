/**
 * The first bytes of one file of a NAR, streamed out of it: the NAR is read up to the file and as far
 * into it as the preview needs, then the stream is dropped (the download stops there).
 */
import { maxPreviewBytes, type NarPreviewView } from '../../../shared/api/contract-nar';
import { ApiError } from '../../../shared/api/errors';
import { bytesEqual } from '../../../shared/nix/bytes';
import { decodeNarText, encodeNarText } from '../../../shared/nix/nar-listing';
import type { Narinfo } from '../../../shared/nix/narinfo';
import type { NarPath } from '../nar/nar-format';
import { NarError, readNar, type NarReadOptions, type NarSource } from '../nar/nar-reader';
import type { CacheStore } from '../stores/cache-store';
import { openNar } from './nar-source';

/** Bytes shown as hex for a binary file. */
const hexBytes = 512;

/** `/a/b` as the names' bytes; the root is `/` (or ``). */
export function narPathOf(file: string): Uint8Array[] {
  return file.split('/').filter((name) => name !== '').map(encodeNarText);
}

const samePath = (a: NarPath, b: NarPath) => a.length === b.length && a.every((name, i) => bytesEqual(name, b[i]!));
const isAncestor = (dir: NarPath, of: NarPath) => dir.length < of.length && dir.every((name, i) => bytesEqual(name, of[i]!));

/** `00000000  7f 45 4c 46 …  |.ELF…|` lines. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines.join('\n');
}

/**
 * Text or binary: a NUL byte, or bytes that are not UTF-8, make a file binary. A multi-byte character
 * cut by the preview's end is not held against it.
 */
export function classify(bytes: Uint8Array, cut: boolean): { kind: 'text'; text: string } | { kind: 'binary' } {
  if (bytes.includes(0)) return { kind: 'binary' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
    return { kind: 'text', text };
  } catch {
    return { kind: 'binary' };
  }
}

/** Previews `file` of the NAR read from `source`; stops reading once it has what it shows. */
export async function previewFromNar(source: NarSource, file: string, options: NarReadOptions & { maxBytes?: number; label?: string } = {}): Promise<NarPreviewView> {
  const maxBytes = options.maxBytes ?? maxPreviewBytes;
  const target = narPathOf(file);
  const shown = target.length ? '/' + target.map(decodeNarText).join('/') : '/';
  const entries = readNar(source, options);
  try {
    for await (const entry of entries) {
      if (entry.type === 'directory-end') {
        // Entries are sorted and nested: once a directory above the file ends, the file is not there.
        if (isAncestor(entry.path, target)) break;
        continue;
      }
      if (!samePath(entry.path, target)) continue;
      if (entry.type === 'directory') return { file: shown, type: 'directory', kind: 'none', shownBytes: 0, truncated: false };
      if (entry.type === 'symlink') return { file: shown, type: 'symlink', target: decodeNarText(entry.target), kind: 'none', shownBytes: 0, truncated: false };
      const parts: Uint8Array[] = [];
      let got = 0;
      if (entry.size > 0) {
        for await (const chunk of entry.contents()) {
          const take = Math.min(chunk.length, maxBytes - got);
          // Copied: the chunk is a view of the reader's input, which moves on.
          parts.push(chunk.slice(0, take));
          got += take;
          if (got >= maxBytes) break;
        }
      }
      const bytes = Buffer.concat(parts);
      const truncated = got < entry.size;
      const base = { file: shown, type: 'regular' as const, size: entry.size, ...(entry.executable ? { executable: true } : {}), shownBytes: got, truncated };
      if (entry.size === 0) return { ...base, kind: 'empty' };
      const seen = classify(bytes, truncated);
      return seen.kind === 'text' ? { ...base, kind: 'text', text: seen.text } : { ...base, kind: 'binary', hex: hexDump(bytes.subarray(0, hexBytes)) };
    }
  } finally {
    // Ends the reader, which closes the source (and so the download) if it stopped early.
    await entries.return(undefined);
  }
  throw new ApiError('not-found', `${options.label ?? 'The NAR'} has no ${shown}.`);
}

export async function previewNarFile(store: CacheStore, narinfo: Narinfo, file: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<NarPreviewView> {
  const nar = await openNar(store, narinfo, { signal: options.signal });
  try {
    // The NAR is only read up to the file: what comes after it is not checked here.
    return await previewFromNar(nar.chunks, file, { signal: options.signal, maxBytes: options.maxBytes, allowTrailingData: true, label: `The NAR of ${narinfo.storePath}` });
  } catch (e) {
    if (e instanceof NarError) throw new ApiError('bad-format', `The NAR of ${narinfo.storePath} (${narinfo.url}) is not a valid NAR: ${e.message}`);
    throw e;
  } finally {
    await nar.close();
  }
}
