import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../stores/file-store';

/** A folder cache with these narinfos (by hash). */
export async function folderCache(narinfos: Record<string, string>): Promise<{ root: string; store: FileStore }> {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-closure-'));
  await writeFile(join(root, 'nix-cache-info'), 'StoreDir: /nix/store\n');
  for (const [hash, text] of Object.entries(narinfos)) await writeFile(join(root, `${hash}.narinfo`), text);
  return { root, store: new FileStore(root) };
}

/** A minimal valid narinfo of `<hash>-<name>` with these references (base names). */
export function narinfo(hash: string, name: string, references: string[]): string {
  const narHash = '1'.repeat(52);
  return [
    `StorePath: /nix/store/${hash}-${name}`,
    `URL: nar/${narHash}.nar`,
    'Compression: none',
    `FileHash: sha256:${narHash}`,
    'FileSize: 120',
    `NarHash: sha256:${narHash}`,
    'NarSize: 120',
    `References: ${references.join(' ')}`,
    '',
  ].join('\n');
}
