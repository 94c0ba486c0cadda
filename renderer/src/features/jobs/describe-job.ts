import type { JobView } from '../../../../shared/api/jobs';
import type { CopyProgressView, SignProgressView } from '../../../../shared/api/contract';
import { finiteNumber as num, formatCount, plural } from '../../ui/format';
import { signFraction, signProgressText } from '../sign/sign-text';
import { copyFraction, copyJobText, copySummaryLine } from '../copy/copy-text';
import { narJobText } from '../nar/nar-job-text';

export interface JobDescription {
  /** 0..1 when the job knows how far it is; undefined for an indeterminate bar. */
  fraction?: number;
  /** Where it stands, in words ("12,000 paths listed in 12 pages"). */
  detail: string;
}

type Progress = Record<string, unknown> | undefined;

/**
 * What the Jobs panel says about a job, by kind. A kind it does not know still gets its state and a
 * generic `done / total` when its progress has those fields, so a new job kind shows up sensibly
 * before anyone writes words for it here.
 */
export function describeJob(job: JobView): JobDescription {
  const progress = job.progress as Progress;
  const output = job.output as Progress;
  switch (job.kind) {
    case 'browse.listPaths': {
      const listed = num(progress?.listed) ?? 0;
      const pages = num(progress?.pages) ?? 0;
      if (job.state === 'done') return { fraction: 1, detail: `${plural(num(output?.total) ?? listed, 'path')} listed` };
      if (job.state === 'queued') return { detail: 'Waiting for other jobs to finish' };
      return { detail: `${plural(listed, 'path')} listed${pages ? ` in ${plural(pages, 'page')}` : ''}${job.state === 'running' ? ' so far' : ''}` };
    }
    case 'index.refresh': {
      // Refreshing a cache's index: keys listed, then the new or changed narinfos read of those to read.
      if (job.state === 'done') {
        const parts = [`${plural(num(output?.total) ?? 0, 'path')} indexed`, `${formatCount(num(output?.read) ?? 0)} narinfos read`];
        const changes = (num(output?.added) ?? 0) + (num(output?.changed) ?? 0) + (num(output?.removed) ?? 0);
        if (changes) parts.push(`${formatCount(num(output?.added) ?? 0)} added, ${formatCount(num(output?.changed) ?? 0)} changed, ${formatCount(num(output?.removed) ?? 0)} removed`);
        const errors = num(output?.errors) ?? 0;
        if (errors) parts.push(`${plural(errors, 'narinfo')} unusable`);
        return { fraction: 1, detail: parts.join(', ') };
      }
      if (job.state === 'queued') return { detail: 'Waiting for other jobs to finish' };
      const listed = num(progress?.listed) ?? 0;
      const still = job.state === 'running' ? ' so far' : '';
      if (progress?.phase !== 'reading') return { detail: `${plural(listed, 'key')} listed${still}` };
      const read = num(progress?.read) ?? 0;
      const toRead = num(progress?.toRead) ?? 0;
      const errors = num(progress?.errors) ?? 0;
      return {
        ...(toRead > 0 && job.state === 'running' ? { fraction: Math.min(1, read / toRead) } : {}),
        detail: `${plural(listed, 'key')} listed, ${formatCount(read)} of ${plural(toRead, 'narinfo')} read${errors ? `, ${plural(errors, 'error')}` : ''}`,
      };
    }
    case 'push.run': {
      // A push: paths done of those it has to push (the ones the cache lacks); the summary when done.
      if (job.state === 'done') return { fraction: 1, detail: `${plural(num(output?.pushed) ?? 0, 'path')} pushed, ${formatCount(num(output?.skipped) ?? 0)} already there` };
      if (job.state === 'queued') return { detail: 'Waiting for other jobs to finish' };
      const pathsDone = num(progress?.pathsDone) ?? 0;
      const pathsTotal = num(progress?.pathsTotal) ?? 0;
      if (progress?.phase !== 'pushing') return { detail: progress?.phase === 'listing' ? 'Looking at what the cache has' : 'Reading the closure' };
      const read = num(progress?.narBytesRead) ?? 0;
      const total = num(progress?.narBytesTotal) ?? 0;
      return { ...(total > 0 && job.state === 'running' ? { fraction: Math.min(1, read / total) } : {}), detail: `${formatCount(pathsDone)} of ${plural(pathsTotal, 'path')} pushed` };
    }
    case 'copy.run': {
      // A copy between caches: paths copied of those the destination lacks, by NAR bytes read; the counts when done.
      if (job.state === 'done') return { fraction: 1, detail: copySummaryLine({ copied: num(output?.copied) ?? 0, skipped: num(output?.skipped) ?? 0 }) };
      if (job.state === 'queued') return { detail: 'Waiting for other jobs to finish' };
      const copy = progress as CopyProgressView | undefined;
      const fraction = job.state === 'running' ? copyFraction(copy) : undefined;
      return { ...(fraction !== undefined ? { fraction } : {}), detail: copyJobText(copy) };
    }
    case 'sign.run': {
      // Signing narinfos already in a cache: paths looked at of those found; the counts when done.
      if (job.state === 'done') {
        const failed = num(output?.failedCount) ?? 0;
        return {
          fraction: 1,
          detail: `${plural(num(output?.signed) ?? 0, 'path')} signed, ${formatCount(num(output?.alreadySigned) ?? 0)} signed already${failed ? `, ${formatCount(failed)} failed` : ''}`,
        };
      }
      if (job.state === 'queued') return { detail: 'Waiting for other jobs to finish' };
      const sign = progress as SignProgressView | undefined;
      const fraction = job.state === 'running' ? signFraction(sign) : undefined;
      return { ...(fraction !== undefined ? { fraction } : {}), detail: signProgressText(sign) };
    }
    case 'nar.download':
    case 'nar.extract':
    case 'nar.verify': {
      const text = narJobText(job);
      if (text) return text;
    }
  }
  const done = num(progress?.done);
  const total = num(progress?.total);
  if (job.state === 'done') return { fraction: 1, detail: 'Finished' };
  if (done !== undefined && total) return { fraction: Math.min(1, done / total), detail: `${formatCount(done)} of ${formatCount(total)}` };
  return { detail: job.state === 'queued' ? 'Waiting for other jobs to finish' : '' };
}

export const stateLabel: Record<JobView['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
