// Auth hooks (MediaMTX's external authentication, Flussonic's on_publish/on_play): an
// optional URL the studio asks whether a publisher or viewer may go on. It gets a JSON POST
// {action, stream, protocol, ip, key}; a 2xx answer allows, anything else refuses (its body
// says why, briefly). It must answer within a short timeout; no answer refuses (fail
// closed). Answers are cached, so a viewer's every segment does not ask again, and
// concurrent asks for the same thing share one request.

export interface AuthQuestion {
  action: 'publish' | 'play';
  stream: string;
  protocol: string;
  ip: string | null;
  /** The key, password or play token the client gave, or null. */
  key: string | null;
}

/** null: allowed; otherwise why not. */
export type AuthAnswer = string | null;

export interface AuthHookDeps {
  /** The hook's URL now (Settings → authHookUrl); empty: no hook, everything the studio's own rules allow goes. */
  url: () => string;
  /** How long an allow is kept (a refusal is kept briefly, so a corrected key works soon). */
  cacheSeconds: () => number;
  timeoutMs?: number;
  log: (line: string) => void;
}

const refusalCacheMs = 5000;
/** The least time any answer is kept: an SRT caller is answered on its repeated handshake, from here. */
const minCacheMs = 5000;
const maxCached = 10_000;
/** Questions waiting for the hook at once; beyond it a client is refused (busy) rather than queued. */
const maxAsking = 64;
const maxReasonChars = 200;

export class AuthHook {
  private readonly cache = new Map<string, { answer: AuthAnswer; until: number }>();
  private readonly asking = new Map<string, Promise<AuthAnswer>>();

  constructor(private readonly deps: AuthHookDeps) {}

  get enabled(): boolean {
    return this.deps.url() !== '';
  }

  /** The cached answer, or undefined when the hook must be asked (always null when there is no hook). */
  cached(q: AuthQuestion): AuthAnswer | undefined {
    if (!this.enabled) return null;
    const hit = this.cache.get(keyOf(q));
    if (hit && hit.until > Date.now()) return hit.answer;
    return undefined;
  }

  async check(q: AuthQuestion): Promise<AuthAnswer> {
    const hit = this.cached(q);
    if (hit !== undefined) return hit;
    const key = keyOf(q);
    let asking = this.asking.get(key);
    if (!asking && this.asking.size >= maxAsking) return 'the auth hook is busy; try again';
    if (!asking) {
      asking = this.ask(q).finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    return asking;
  }

  private async ask(q: AuthQuestion): Promise<AuthAnswer> {
    const url = this.deps.url();
    let answer: AuthAnswer;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Framehouse-Auth' },
        body: JSON.stringify(q),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 2000),
      });
      const text = (await response.text().catch(() => '')).slice(0, 4096);
      answer = response.ok ? null : `the auth hook refused (${response.status}${reasonIn(text) ? `: ${reasonIn(text)}` : ''})`;
    } catch (err) {
      answer = err instanceof Error && err.name === 'TimeoutError' ? 'the auth hook did not answer in time' : 'the auth hook could not be reached';
      this.deps.log(`auth hook ${url}: ${answer} (${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)})`);
    }
    if (this.cache.size >= maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(keyOf(q), { answer, until: Date.now() + (answer === null ? Math.max(minCacheMs, this.deps.cacheSeconds() * 1000) : refusalCacheMs) });
    return answer;
  }
}

const keyOf = (q: AuthQuestion) => JSON.stringify([q.action, q.stream, q.protocol, q.ip, q.key]);

/** A refusal's reason from its body: {"reason": "…"} or plain text, one line, bounded. */
function reasonIn(text: string): string {
  let reason = text;
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; error?: unknown };
    if (typeof parsed.reason === 'string') reason = parsed.reason;
    else if (typeof parsed.error === 'string') reason = parsed.error;
  } catch {
    // plain text
  }
  return reason.replace(/\s+/g, ' ').trim().slice(0, maxReasonChars);
}
