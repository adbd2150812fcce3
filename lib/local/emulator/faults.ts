/**
 * Faults injected per route, for tests of retries, backoff and races: added latency, an error status, a burst of
 * 429s, a dropped connection, and a request held until released. Routes are named like the client methods
 * (`sheets.values.get`, `sheets.spreadsheets.get`, `drive.files.list`); `sheets.*` matches a prefix, `*` all.
 */
import { routeMatches } from './http';

export type FaultMatch = { route: string; caller?: string; spreadsheetId?: string };

export type FaultEffect =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number }
  | { kind: 'rateLimit' }
  | { kind: 'drop' }
  | { kind: 'hold'; stage: 'before' | 'after'; hold: Hold };

type Rule = FaultMatch & { effect: FaultEffect; remaining: number; hits: number };

export type FaultHandle = { readonly hits: number; remove(): void };

/** A held request: `reached` resolves once a request is parked; `release()` lets it (and later ones) through. */
export class Hold {
  private resolveReached!: () => void;
  private waiters: Array<() => void> = [];
  private released = false;
  readonly reached: Promise<void> = new Promise((r) => {
    this.resolveReached = r;
  });

  /** Parks the caller until release(). */
  wait(): Promise<void> {
    this.resolveReached();
    if (this.released) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  release(): void {
    this.released = true;
    for (const w of this.waiters.splice(0)) w();
  }
}

export type FaultOptions = { times?: number; caller?: string; spreadsheetId?: string };

export class Faults {
  private rules: Rule[] = [];

  private add(route: string, effect: FaultEffect, opts: FaultOptions = {}): FaultHandle {
    const rule: Rule = { route, effect, remaining: opts.times ?? Number.POSITIVE_INFINITY, hits: 0 };
    if (opts.caller !== undefined) rule.caller = opts.caller;
    if (opts.spreadsheetId !== undefined) rule.spreadsheetId = opts.spreadsheetId;
    this.rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }

  /** Adds `ms` before the request is handled. */
  latency(route: string, ms: number, opts?: FaultOptions): FaultHandle {
    return this.add(route, { kind: 'latency', ms }, opts);
  }

  /** Answers with an error status (default 503 UNAVAILABLE) instead of handling the request. */
  error(route: string, status = 503, opts?: FaultOptions): FaultHandle {
    return this.add(route, { kind: 'status', status }, opts);
  }

  /** A burst of `times` 429 RESOURCE_EXHAUSTED answers, with the quota body Google sends. */
  rateLimit(route: string, times: number, opts?: Omit<FaultOptions, 'times'>): FaultHandle {
    return this.add(route, { kind: 'rateLimit' }, { ...opts, times });
  }

  /** Destroys the connection without an answer. */
  drop(route: string, opts?: FaultOptions): FaultHandle {
    return this.add(route, { kind: 'drop' }, opts);
  }

  /**
   * Holds matching requests until released. `after` (the default) holds the answer once it is computed, so an edit
   * made meanwhile lands after the read's snapshot: the race a sync must survive. `before` holds before reading.
   */
  hold(route: string, opts: FaultOptions & { stage?: 'before' | 'after' } = {}): Hold & FaultHandle {
    const hold = new Hold();
    const handle = this.add(
      route,
      { kind: 'hold', stage: opts.stage ?? 'after', hold },
      { times: 1, ...opts },
    );
    // defineProperty, not Object.assign: assign would copy the getter's value once (0) instead of the getter.
    return Object.defineProperties(hold, {
      remove: {
        value: () => {
          handle.remove();
          hold.release();
        },
      },
      hits: { get: () => handle.hits },
    }) as Hold & FaultHandle;
  }

  clear(): void {
    for (const r of this.rules) if (r.effect.kind === 'hold') r.effect.hold.release();
    this.rules = [];
  }

  /** The effects that apply to one request, each rule counting it against its `times`. */
  take(m: FaultMatch): FaultEffect[] {
    const out: FaultEffect[] = [];
    for (const r of this.rules) {
      if (r.remaining <= 0 || !routeMatches(r.route, m.route)) continue;
      if (r.caller !== undefined && r.caller !== m.caller) continue;
      if (r.spreadsheetId !== undefined && r.spreadsheetId !== m.spreadsheetId) continue;
      r.remaining--;
      r.hits++;
      out.push(r.effect);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return out;
  }
}
