// pino-roll ships no types: the part of its API the log file uses. It resolves to a SonicBoom stream
// (an event emitter with write/end, 'ready' after each file it opens, 'drain' when its buffer empties).
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  interface RollStream extends EventEmitter {
    /** The file being written now. */
    readonly file: string;
    /** False when the buffer passed its high-water mark: wait for 'drain'. */
    write(data: string): boolean;
    end(): void;
  }

  interface RollOptions {
    /** Path without the number and extension: files are `${file}.${n}${extension}`. */
    file: string;
    extension?: string;
    /** '20m', '512k', '1000b' … */
    size?: string;
    limit?: { count: number; removeOtherLogFiles?: boolean };
    /** Passed to SonicBoom: the mode a new file is created with. */
    mode?: number;
    mkdir?: boolean;
  }

  export default function pinoRoll(options: RollOptions): Promise<RollStream>;
}
