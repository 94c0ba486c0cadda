import { useEffect, useRef, useState } from 'react';
import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';
import type { Sample } from '../push/figures';
import { addSample } from '../push/figures';
import type { TransferCounters } from './TransferFigures';

/** Samples of a running push's or copy's counters over time, for the rates and the time left; a new job starts afresh. */
export function useTransferSamples(job: JobView | undefined, progress: TransferCounters | undefined): Sample[] {
  const [samples, setSamples] = useState<Sample[]>([]);
  const sampledJob = useRef<string | null>(null);
  useEffect(() => {
    if (!job || !progress) return;
    const sample = { at: Date.now(), narBytesRead: progress.narBytesRead, fileBytesUploaded: progress.fileBytesUploaded };
    if (sampledJob.current !== job.id) {
      sampledJob.current = job.id;
      setSamples([sample]);
      return;
    }
    if (isFinished(job.state)) return;
    setSamples((old) => addSample(old, sample));
  }, [job, progress]);
  return samples;
}
