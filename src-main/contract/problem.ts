/**
 * What went wrong, as a fact: thrown (or reported by a background job) anywhere below
 * the HTTP layer, which alone turns a kind into a status code (http/problem-reply.ts).
 * The title is a few words for a heading; the detail says what happened and what to do.
 */
export type ProblemKind =
  /** The request itself is wrong: a bad name, time, range or path. */
  | 'invalid'
  /** What was asked for does not exist (an unknown stream, nothing recorded there). */
  | 'not-found'
  /** It exists, but the request clashes with its state (already published, already running). */
  | 'conflict'
  /** Not allowed to whoever asked: a wrong publish key or password, publishing switched off. */
  | 'refused'
  /** Bigger than a limit allows. */
  | 'too-large'
  /** The media cannot be given in the asked form (a codec MPEG-TS cannot carry). */
  | 'unsupported'
  /** Not now: stopping, busy, no ffmpeg, not started yet. Trying again later may work. */
  | 'unavailable';

export class Problem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${title}: ${detail}`);
    this.name = 'Problem';
  }
}

export const isProblem = (value: unknown, kind?: ProblemKind): value is Problem => value instanceof Problem && (kind === undefined || value.kind === kind);
