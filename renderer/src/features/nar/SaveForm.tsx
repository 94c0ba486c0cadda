import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { JobView } from '../../../../shared/api/jobs';
import { jobsKey } from '../jobs/useJobs';
import type { CacheView } from '../../../../shared/api/contract';
import { api } from '../../api/client';
import { formatBytes } from '../push/figures';
import { NarJob, bytesText } from './NarJob';
import { uiKey, useNarUi } from './nar-store';
import { useJob } from './queries';

type Kind = 'save' | 'extract' | 'log' | 'verify';

/** Starts a download or extraction job for this path and remembers its id, or the refusal. */
export function useStart(cacheId: string, storePath: string, kind: Kind) {
  const key = uiKey(cacheId, storePath);
  const jobId = useNarUi((s) => s.paths[key]?.jobs[kind]);
  const update = useNarUi((s) => s.update);
  const job = useJob(jobId);
  const [refused, setRefused] = useState<string>();
  const queryClient = useQueryClient();
  const start = (begin: () => { id: string; result: Promise<unknown> }) => {
    setRefused(undefined);
    const handle = begin();
    update(key, (ui) => ({ ...ui, jobs: { ...ui.jobs, [kind]: handle.id } }));
    handle.result.catch((error: unknown) => {
      // A refusal before the job existed reaches only the handle; a failure later is in the job's view.
      if (useNarUi.getState().paths[key]?.jobs[kind] !== handle.id) return;
      if (queryClient.getQueryData<JobView[]>(jobsKey)?.some((j) => j.id === handle.id)) return;
      setRefused(error instanceof Error ? error.message : String(error));
    });
  };
  const running = job !== undefined && (job.state === 'queued' || job.state === 'running');
  return { job, refused: job ? undefined : refused, start, running };
}

const saveProgress = (p: unknown) => {
  const { bytes, total } = p as { bytes: number; total?: number };
  return { value: bytes, max: total, text: bytesText(bytes, total) };
};

/** The folder field shared by downloads, extraction and the log download. */
function FolderField({ id }: { id: string }) {
  const folder = useNarUi((s) => s.folder);
  const setFolder = useNarUi((s) => s.setFolder);
  return (
    <div className="field nar-save__folder">
      <label className="field__label" htmlFor={id}>
        Folder
      </label>
      <input id={id} className="input input--mono" value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} aria-describedby={`${id}-hint`} />
      <div className="field__hint" id={`${id}-hint`}>
        On the machine Narwhal runs on; absolute or starting with ~/. Made if it does not exist.
      </div>
    </div>
  );
}

/** Download the NAR (as stored or decompressed) or extract it, as jobs with progress. */
export function NarSaveForm({ cache, storePath, compression }: { cache: CacheView; storePath: string; compression: string }) {
  const folder = useNarUi((s) => s.folder);
  const [what, setWhat] = useState<'compressed' | 'nar'>('compressed');
  const [overwrite, setOverwrite] = useState(false);
  const save = useStart(cache.id, storePath, 'save');
  const extract = useStart(cache.id, storePath, 'extract');
  const base = storePath.slice(storePath.lastIndexOf('/') + 1);
  const target = `${folder.replace(/\/+$/, '')}/${base}`;
  return (
    <section className="nar-save" aria-label="Download or extract">
      <h3>Download or extract</h3>
      <FolderField id="nar-save-folder" />
      <fieldset className="nar-save__choices">
        <legend className="field__label">Download as</legend>
        <label className="checkbox">
          <input type="radio" name="nar-what" checked={what === 'compressed'} onChange={() => setWhat('compressed')} />
          Stored NAR ({compression === 'none' ? 'uncompressed' : compression})
        </label>
        <label className="checkbox">
          <input type="radio" name="nar-what" checked={what === 'nar'} onChange={() => setWhat('nar')} />
          Decompressed <code>.nar</code>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          Replace an existing file
        </label>
      </fieldset>
      <div className="nar-save__actions">
        <button type="button" className="button" disabled={save.running} onClick={() => save.start(() => api.nar.download({ cacheId: cache.id, path: storePath, what, folder, overwrite }))}>
          Download
        </button>
        <button type="button" className="button" disabled={extract.running} onClick={() => extract.start(() => api.nar.extract({ cacheId: cache.id, path: storePath, target }))}>
          Extract to <code className="nar-save__target">{target}</code>
        </button>
      </div>
      <NarJob
        label="Downloading"
        job={save.job}
        refused={save.refused}
        progress={saveProgress}
        done={(o) => {
          const out = o as { file: string; bytes: number; checked: boolean };
          return (
            <p>
              Saved <code>{out.file}</code> ({formatBytes(out.bytes)}{out.checked ? ', checked against the narinfo' : ''}).
            </p>
          );
        }}
      />
      <NarJob
        label="Extracting"
        job={extract.job}
        refused={extract.refused}
        progress={saveProgress}
        done={(o) => {
          const out = o as { target: string; files: number; directories: number; symlinks: number; bytes: number };
          return (
            <p>
              Extracted into <code>{out.target}</code>: {out.files} files, {out.directories} folders, {out.symlinks} symlinks ({formatBytes(out.bytes)}), NarHash checked.
            </p>
          );
        }}
      />
    </section>
  );
}

/** Download of the build log. */
export function LogSaveForm({ cache, storePath }: { cache: CacheView; storePath: string }) {
  const folder = useNarUi((s) => s.folder);
  const [overwrite, setOverwrite] = useState(false);
  const save = useStart(cache.id, storePath, 'log');
  return (
    <section className="nar-save nar-save--inline" aria-label="Download the build log">
      <FolderField id="nar-log-folder" />
      <label className="checkbox">
        <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
        Replace an existing file
      </label>
      <button type="button" className="button" disabled={save.running} onClick={() => save.start(() => api.nar.download({ cacheId: cache.id, path: storePath, what: 'log', folder, overwrite }))}>
        Download the log
      </button>
      <NarJob
        label="Downloading"
        job={save.job}
        refused={save.refused}
        progress={saveProgress}
        done={(o) => {
          const out = o as { file: string; bytes: number };
          return (
            <p>
              Saved <code>{out.file}</code> ({formatBytes(out.bytes)}).
            </p>
          );
        }}
      />
    </section>
  );
}
