import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** Reads a whole (small) stream, refusing more than `limit` bytes so a wrong file cannot fill memory. */
export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) throw new Error(`input is larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A file argument, where `-` means standard input. */
export function inputStream(path: string, stdin: Readable): Readable {
  return path === '-' ? stdin : createReadStream(path);
}
