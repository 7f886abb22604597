/**
 * The one way the offline tool reads a file it is given: manifests, CRDs,
 * `simulate`'s manifest and `--body`, the files handed to Tekton's admission
 * program, explain's cache entries, graph's existing `.mmd` files.
 *
 * Any path may be hostile. A FIFO, socket or device is refused without being
 * opened for a blocking read (a FIFO with no writer would wait forever,
 * `/dev/zero` never ends), a file over the size limit is refused without being
 * read, and text must be UTF-8 (kubectl refuses other bytes too). Standard
 * input (`-`) is read up to the limit and no further, whatever it is.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The largest file read (8 MiB; the API server takes at most 3 MiB in one request). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Why a file was not read: `unreadable` (missing, not a regular file, no permission), `file-too-large`, `not-utf8`. */
export interface ReadRefusal {
  readonly code: 'unreadable' | 'file-too-large' | 'not-utf8';
  /** A sentence naming the file, what it is and what is allowed. */
  readonly message: string;
}

/** Thrown by {@link readTextOrThrow}: the refusal as an Error. */
export class FileRefusedError extends Error {
  constructor(public readonly refusal: ReadRefusal) {
    super(refusal.message);
  }
}

export interface GuardedReadOptions {
  /** @default {@link MAX_FILE_BYTES} */
  readonly maxBytes?: number;
}

export type BytesRead = { bytes: Buffer; problem?: undefined } | { bytes?: undefined; problem: ReadRefusal };
export type TextRead = { text: string; problem?: undefined } | { text?: undefined; problem: ReadRefusal };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function limitText(maxBytes: number): string {
  return maxBytes === MAX_FILE_BYTES ? `${maxBytes} (8 MiB)` : String(maxBytes);
}

/** Waits `ms` without spinning (a non-blocking stdin that has no data yet). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Standard input, up to `maxBytes`: a pipe, a terminal, a file or `/dev/zero` alike. */
function readStdin(name: string, maxBytes: number): BytesRead {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        pause(10);
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      return { problem: { code: 'unreadable', message: `cannot read ${name}: ${errorText(error)}` } };
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) {
      return {
        problem: {
          code: 'file-too-large',
          message: `${name} has more than the ${limitText(maxBytes)} bytes read from one input; not read further`,
        },
      };
    }
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return { bytes: Buffer.concat(chunks, total) };
}

/**
 * The bytes of `file` (`-`: standard input), or why not: only regular files,
 * at most `maxBytes` (checked before reading).
 */
export function readGuardedBytes(file: string, options: GuardedReadOptions = {}): BytesRead {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  if (file === '-') return readStdin('standard input', maxBytes);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: { code: 'unreadable', message: errorText(error) } };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      const what = stat.isDirectory() ? 'a folder' : 'not a regular file (a FIFO, socket or device)';
      return { problem: { code: 'unreadable', message: `${file} is ${what}; not read` } };
    }
    if (stat.size > maxBytes) {
      return {
        problem: {
          code: 'file-too-large',
          message: `${file} has ${stat.size} bytes, more than the ${limitText(maxBytes)} read from one file; split it`,
        },
      };
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: buffer.subarray(0, read) };
  } catch (error) {
    return { problem: { code: 'unreadable', message: `cannot read ${file}: ${errorText(error)}` } };
  } finally {
    closeSync(fd);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The offset of the first byte that is not part of a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  const lossy = Buffer.from(bytes.toString('utf8'), 'utf8'); // invalid bytes became U+FFFD
  let at = 0;
  while (at < bytes.length && bytes[at] === lossy[at]) at++;
  return Math.min(at, bytes.length - 1);
}

/** {@link readGuardedBytes}, then strict UTF-8 decoding (the refusal names the offset of the first bad byte). */
export function readGuardedText(file: string, options: GuardedReadOptions = {}): TextRead {
  const read = readGuardedBytes(file, options);
  if (read.problem) return read;
  try {
    return { text: UTF8.decode(read.bytes) };
  } catch {
    const at = firstInvalidUtf8(read.bytes); // < length: decoding failed on some byte
    const name = file === '-' ? 'standard input' : file;
    return {
      problem: {
        code: 'not-utf8',
        message: `${name} is not UTF-8 text (invalid byte 0x${read.bytes[at]!.toString(16).padStart(2, '0')} at offset ${at}); save it as UTF-8`,
      },
    };
  }
}

/** {@link readGuardedText} for a caller that stops on a refusal: throws a {@link FileRefusedError} whose message names the file. */
export function readTextOrThrow(file: string, what: string, options: GuardedReadOptions = {}): string {
  const read = readGuardedText(file, options);
  if (read.problem === undefined) return read.text;
  const named = file === '-' || read.problem.message.includes(file);
  const message = named ? read.problem.message : `${file}: ${read.problem.message}`;
  throw new FileRefusedError({ code: read.problem.code, message: `cannot read the ${what}: ${message}` });
}
