const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines on `\n` and on `\r`: ffmpeg ends its
 * progress lines (`frame= 120 fps= 30 ... time=00:00:04.00 ...`) with a bare
 * `\r` so a terminal redraws them in place. Empty lines are skipped, so
 * `\r\n` gives one line. A line longer than `maxLineBytes` is cut to that
 * length and the rest of it dropped, so one line without an end (a binary
 * dump on stderr) cannot grow memory.
 */
export class LineSplitter {
  #buf: Uint8Array;
  #len = 0;
  #cut = false;
  #onLine: (line: string) => void;
  #decoder = new TextDecoder();

  constructor(maxLineBytes: number, onLine: (line: string) => void) {
    this.#buf = new Uint8Array(maxLineBytes);
    this.#onLine = onLine;
  }

  /** Feeds a chunk; complete lines are passed to the callback before this returns. */
  push(chunk: Uint8Array): void {
    // Positions of the next LF and CR, searched again only once passed: searching both
    // from every line start would rescan the chunk once per line.
    let nextLf = -2;
    let nextCr = -2;
    let start = 0;
    while (start < chunk.length) {
      if (nextLf !== -1 && nextLf < start) nextLf = chunk.indexOf(LF, start);
      if (nextCr !== -1 && nextCr < start) nextCr = chunk.indexOf(CR, start);
      const end = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      if (end === -1) {
        this.#append(chunk.subarray(start));
        return;
      }
      this.#append(chunk.subarray(start, end));
      this.#emit();
      start = end + 1;
    }
  }

  /** Emits the last line if the stream ended without a separator. */
  flush(): void {
    this.#emit();
  }

  #append(part: Uint8Array): void {
    const room = this.#buf.length - this.#len;
    if (part.length > room) {
      this.#cut = true;
      part = part.subarray(0, room);
    }
    this.#buf.set(part, this.#len);
    this.#len += part.length;
  }

  #emit(): void {
    const bytes = this.#buf.subarray(0, this.#len);
    // A cut line may end inside a character: `stream: true` leaves that part out.
    const line = this.#cut
      ? new TextDecoder().decode(bytes, { stream: true })
      : this.#decoder.decode(bytes);
    this.#len = 0;
    this.#cut = false;
    if (line) this.#onLine(line);
  }
}
