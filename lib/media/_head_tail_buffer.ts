/**
 * A fixed-size capture of a byte stream: its first `headBytes` and its last
 * `tailBytes`, whatever the stream's length. Used for stderr, which a broken
 * ffmpeg can fill with gigabytes of repeated warnings; the first lines say what
 * went wrong, the last lines say where it stopped.
 */
export class HeadTailBuffer {
  #head: Uint8Array;
  #headLen = 0;
  #tail: Uint8Array;
  /** Next write position in the ring. */
  #tailPos = 0;
  #tailLen = 0;
  #total = 0;

  constructor(headBytes: number, tailBytes: number) {
    this.#head = new Uint8Array(headBytes);
    this.#tail = new Uint8Array(tailBytes);
  }

  /** Bytes seen so far. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Bytes seen but kept neither in the head nor in the tail. */
  get droppedBytes(): number {
    return this.#total - this.#headLen - this.#tailLen;
  }

  /** Adds a chunk; the chunk is copied, so the caller may reuse its buffer. */
  push(chunk: Uint8Array): void {
    this.#total += chunk.length;
    let rest = chunk;
    if (this.#headLen < this.#head.length) {
      const n = Math.min(this.#head.length - this.#headLen, rest.length);
      this.#head.set(rest.subarray(0, n), this.#headLen);
      this.#headLen += n;
      rest = rest.subarray(n);
    }
    const cap = this.#tail.length;
    if (cap === 0 || rest.length === 0) return;
    if (rest.length >= cap) {
      this.#tail.set(rest.subarray(rest.length - cap));
      this.#tailPos = 0;
      this.#tailLen = cap;
      return;
    }
    const first = Math.min(cap - this.#tailPos, rest.length);
    this.#tail.set(rest.subarray(0, first), this.#tailPos);
    this.#tail.set(rest.subarray(first), 0);
    this.#tailPos = (this.#tailPos + rest.length) % cap;
    this.#tailLen = Math.min(cap, this.#tailLen + rest.length);
  }

  /**
   * The head, a `[... N bytes dropped ...]` line when bytes were dropped, and
   * the tail, decoded as UTF-8. A character cut at either edge of the gap is
   * left out rather than shown as a replacement character.
   */
  text(): string {
    const dropped = this.droppedBytes;
    const head = this.#head.subarray(0, this.#headLen);
    if (dropped === 0 && this.#tailLen === 0) return new TextDecoder().decode(head);
    let tail = this.#tailLen < this.#tail.length
      ? this.#tail.subarray(0, this.#tailLen)
      : concat(this.#tail.subarray(this.#tailPos), this.#tail.subarray(0, this.#tailPos));
    if (dropped === 0) return new TextDecoder().decode(concat(head, tail));
    // `stream: true` holds back an incomplete sequence at the end instead of emitting U+FFFD.
    const headText = new TextDecoder().decode(head, { stream: true });
    let skip = 0;
    while (skip < 3 && skip < tail.length && (tail[skip] & 0xc0) === 0x80) skip++;
    tail = tail.subarray(skip);
    const heldBack = head.length - new TextEncoder().encode(headText).length;
    return `${headText}\n[... ${dropped + heldBack + skip} bytes dropped ...]\n${
      new TextDecoder().decode(tail)
    }`;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
