// A watch response is one JSON event per line, arriving in network chunks cut anywhere: in the middle of
// a line, and in the middle of a multi-byte UTF-8 character. Lines are cut out of the decoded text; the
// decoder keeps an incomplete character's first bytes until the rest arrives.
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject } from './kind.js';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

/** Complete lines out of a byte stream (a last line without its newline is a cut stream's: never parsed). */
export class WatchLines {
  private readonly decoder = new StringDecoder('utf8');
  /** Text of the line not yet ended, in pieces: a 10 MB object in 64 kB chunks is joined once. */
  private pending: string[] = [];

  /** The lines this chunk completes (blank ones left out). */
  push(chunk: Buffer): string[] {
    const text = this.decoder.write(chunk);
    const nl = text.indexOf('\n');
    if (nl < 0) {
      if (text) this.pending.push(text);
      return [];
    }
    this.pending.push(text.slice(0, nl));
    const lines = [this.pending.join(''), ...text.slice(nl + 1).split('\n')];
    this.pending = [lines.pop()!];
    return lines.filter((l) => l.trim() !== '');
  }
}

/** Parses one line of a watch stream; a malformed line is an error naming the path (the watch restarts). */
export function parseWatchLine(line: string, path: string): WatchEvent {
  let ev: WatchEvent;
  try {
    ev = JSON.parse(line) as WatchEvent;
  } catch (e) {
    throw new Error(`watch ${path}: malformed event line (${(e as Error).message}): ${line.slice(0, 120)}`, { cause: e });
  }
  if (!ev || typeof ev !== 'object' || !['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'].includes(ev.type) || typeof ev.object !== 'object' || ev.object === null) {
    throw new Error(`watch ${path}: event without a valid type/object: ${line.slice(0, 120)}`);
  }
  if (ev.type !== 'BOOKMARK' && ev.type !== 'ERROR' && !(ev.object as KubeObject).metadata?.uid) {
    throw new Error(`watch ${path}: ${ev.type} event object has no metadata.uid`);
  }
  return ev;
}
