import type { JobView } from '../../../../shared/api/jobs';
import { finiteNumber as num, plural } from '../../ui/format';
import { formatBytes } from '../push/figures';

/**
 * What the Jobs panel says about a NAR download, extraction or integrity check started from a path's
 * page: bytes so far against the total while it runs, what it produced when done. Pure, for tests.
 */
export function narJobText(job: JobView): { fraction?: number; detail: string } | undefined {
  const progress = (job.progress ?? {}) as Record<string, unknown>;
  const output = (job.output ?? {}) as Record<string, unknown>;
  const running = job.state === 'running';
  const of = (done: number, total: number | undefined) => ({
    ...(running && total ? { fraction: Math.min(1, done / total) } : {}),
    detail: total !== undefined ? `${formatBytes(done)} of ${formatBytes(total)}` : formatBytes(done),
  });
  if (job.state === 'queued') return { detail: 'Waiting for other jobs to finish' };
  switch (job.kind) {
    case 'nar.download': {
      if (job.state === 'done') return { fraction: 1, detail: `${formatBytes(num(output.bytes) ?? 0)} saved to ${String(output.file ?? '')}${output.checked ? ', checked against the narinfo' : ''}` };
      const { detail, fraction } = of(num(progress.bytes) ?? 0, num(progress.total));
      return { ...(fraction !== undefined ? { fraction } : {}), detail: `${detail} downloaded` };
    }
    case 'nar.extract': {
      if (job.state === 'done') {
        return { fraction: 1, detail: `${plural(num(output.files) ?? 0, 'file')}, ${plural(num(output.directories) ?? 0, 'folder')} and ${plural(num(output.symlinks) ?? 0, 'link')} extracted to ${String(output.target ?? '')}` };
      }
      const { detail, fraction } = of(num(progress.bytes) ?? 0, num(progress.total));
      return { ...(fraction !== undefined ? { fraction } : {}), detail: `${detail} read` };
    }
    case 'nar.verify': {
      if (job.state === 'done') {
        const checks = Array.isArray(output.checks) ? (output.checks as Array<{ status?: string }>) : [];
        const failed = checks.filter((c) => c.status === 'failed').length;
        return { fraction: 1, detail: output.ok ? `Intact: ${plural(checks.filter((c) => c.status === 'ok').length, 'check')} passed` : `Damaged: ${plural(failed, 'check')} failed` };
      }
      // The NAR's bytes (known from the narinfo) measure the work; the download comes first.
      const narBytes = num(progress.narBytes) ?? 0;
      const narSize = num(progress.narSize);
      return { ...(running && narSize ? { fraction: Math.min(1, narBytes / narSize) } : {}), detail: `${formatBytes(num(progress.fileBytes) ?? 0)} downloaded, ${formatBytes(narBytes)}${narSize !== undefined ? ` of ${formatBytes(narSize)}` : ''} of NAR checked` };
    }
  }
  return undefined;
}
