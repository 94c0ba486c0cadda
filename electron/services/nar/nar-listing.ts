/**
 * Builds the `.ls` listing of a NAR (what `write-nar-listing=true` uploads next to a narinfo) while
 * streaming it: contents are skipped, never held, so a NAR of any size lists in constant memory plus
 * the listing itself.
 */
import {
  type NarListing,
  type NarListingDirectory,
  type NarListingNode,
  decodeNarText,
  emptyEntries,
} from '../../../shared/nix/nar-listing';
import { NarError, type NarReadOptions, type NarSource, readNar } from './nar-reader';
import { displayNarPath } from './nar-format';

export interface NarListingOptions extends NarReadOptions {
  /**
   * Most nodes accepted (default 10 million), so a hostile NAR of tiny entries cannot grow the listing
   * without bound. Real store paths stay far below (a Linux source tree has about 90,000).
   */
  maxEntries?: number;
}

export const defaultMaxListingEntries = 10_000_000;

/** Parses the NAR from `source` and returns its listing; rejects with NarError like `readNar`. */
export async function buildNarListing(source: NarSource, opts: NarListingOptions = {}): Promise<NarListing> {
  const maxEntries = opts.maxEntries ?? defaultMaxListingEntries;
  const dirs: NarListingDirectory[] = [];
  let root: NarListingNode | undefined;
  let count = 0;

  for await (const entry of readNar(source, opts)) {
    if (entry.type === 'directory-end') {
      dirs.pop();
      continue;
    }
    if (++count > maxEntries) {
      throw new NarError(entry.offset, displayNarPath(entry.path), `more than ${maxEntries} entries`);
    }
    let node: NarListingNode;
    switch (entry.type) {
      case 'regular':
        node = { type: 'regular', size: entry.size };
        if (entry.executable) node.executable = true;
        node.narOffset = entry.contentsOffset;
        break;
      case 'symlink':
        node = { type: 'symlink', target: decodeNarText(entry.target) };
        break;
      case 'directory':
        node = { type: 'directory', entries: emptyEntries() };
        break;
    }
    const parent = dirs[dirs.length - 1];
    if (parent) parent.entries[decodeNarText(entry.name!)] = node;
    else root = node;
    if (node.type === 'directory') dirs.push(node);
  }
  // readNar only finishes after a complete root node, so root is set here.
  return { version: 1, root: root! };
}
