/**
 * Whether a process of this pid exists (signal 0 only checks). EPERM means it exists under another
 * user. Used to tell leftovers of killed Narwhal processes (named after their pid) from live work.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
