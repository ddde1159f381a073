import { Problem } from '../contract/problem.js';

/**
 * A bounded queue is full: the client should come back shortly. A fact, not an HTTP
 * answer; the HTTP layer turns it into a 503 with Retry-After (http/client-gone.ts).
 */
export class Busy extends Problem {
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
  ) {
    super('unavailable', 'Busy', message);
    this.name = 'Busy';
  }
}

/**
 * At most one warning per interval for a limit that is being hit, with how many were
 * refused since the last one: a flood must not flood the log as well.
 */
export class LimitWarning {
  private lastAt = 0;
  private unsaid = 0;

  constructor(
    private readonly warn: (line: string) => void,
    private readonly intervalMs = 10_000,
  ) {}

  hit(line: string, now = Date.now()): void {
    if (now - this.lastAt < this.intervalMs) {
      this.unsaid++;
      return;
    }
    const more = this.unsaid > 0 ? ` (${this.unsaid} more refused since the last warning)` : '';
    this.lastAt = now;
    this.unsaid = 0;
    this.warn(`${line}${more}`);
  }
}
