/**
 * Verified tokens by their raw text, each until it expires. A client sends the same token with
 * every request until it expires; verifying it each time (a signature, the claims) would cost
 * more than the rest of what authentication adds to a request. A token is a bearer credential,
 * so it is kept as the string the client sent: the key of an exact match, nothing derived.
 *
 * Bounded: at most `maxEntries` tokens. When full, the token cached first goes (it is also the one
 * nearest its expiry, usually); evicting costs that client one more verification, nothing else.
 * Hits do not reorder entries: a lookup stays one Map read.
 */
export class TokenCache<Value> {
  private readonly entries = new Map<string, { value: Value; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    /** Milliseconds since the epoch; tests pass a fake clock. */
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): Value | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** Remembers a verified token until `expiresAt` (ms since the epoch). */
  set(token: string, value: Value, expiresAt: number): void {
    if (this.maxEntries === 0 || expiresAt <= this.now()) return;
    if (!this.entries.has(token) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, expiresAt });
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
