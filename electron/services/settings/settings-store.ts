import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheConfigSchema } from '../../../shared/caches/config';
import { writeFileAtomic } from './atomic-file';

const savedCacheSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  name: z.string().min(1),
  config: cacheConfigSchema,
  builtIn: z.boolean().default(false),
});
export type SavedCache = z.output<typeof savedCacheSchema>;

const settingsSchema = z.object({
  version: z.literal(1),
  caches: z.array(savedCacheSchema),
  selectedId: z.string().nullable(),
});
export type Settings = z.output<typeof settingsSchema>;

export interface LoadResult {
  settings: Settings | null;
  /** Set when the file existed but could not be read as settings and was moved here. */
  movedAside?: { path: string; reason: string };
}

/**
 * The settings file: one JSON document, written atomically. A file that does not parse or does not
 * match the schema is never silently replaced: it is renamed to `settings.json.corrupt-<time>` and the
 * caller reports it, so a user's connections can be recovered by hand.
 */
export class SettingsStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'settings.json');
  }

  async load(): Promise<LoadResult> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: null };
      throw e;
    }
    let reason: string;
    try {
      const parsed = settingsSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { settings: parsed.data };
      const issue = parsed.error.issues[0]!;
      reason = `${issue.path.join('.') || 'top level'}: ${issue.message}`;
    } catch (e) {
      reason = `not JSON (${(e as Error).message})`;
    }
    const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(this.path, aside);
    return { settings: null, movedAside: { path: aside, reason } };
  }

  async save(settings: Settings): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(settingsSchema.parse(settings), null, 2) + '\n');
  }
}
