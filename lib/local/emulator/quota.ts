/**
 * Per-user request quotas as the Sheets API applies them: read and write requests are counted separately, per
 * user, in windows of a minute ("Sheets API has per-minute quotas, and they're refilled every minute", Sheets API:
 * Usage limits; 60 reads and 60 writes per minute per user per project by default).
 */
import { ApiError } from './errors';

export type QuotaConfig = { reads: number; writes: number; windowMs: number };
export type QuotaKind = 'read' | 'write';

export const DEFAULT_QUOTA: QuotaConfig = { reads: 60, writes: 60, windowMs: 60_000 };

export class Quota {
  private readonly windows = new Map<string, { start: number; used: number }>();
  constructor(private config: QuotaConfig | 'off') {}

  set(config: QuotaConfig | 'off'): void {
    this.config = config;
    this.windows.clear();
  }

  get current(): QuotaConfig | 'off' {
    return this.config;
  }

  /** Counts one request, or throws Google's 429 when the caller's window is used up. */
  take(caller: string, kind: QuotaKind, now = Date.now()): void {
    if (this.config === 'off') return;
    const limit = kind === 'read' ? this.config.reads : this.config.writes;
    const key = `${kind}\u0000${caller}`;
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.config.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    if (w.used >= limit) throw quotaExceeded(kind, limit);
    w.used++;
  }
}

/** Google's 429 body, with the ErrorInfo detail clients read the quota name from. */
export function quotaExceeded(kind: QuotaKind, limitValue = 60): ApiError {
  const metric = kind === 'read' ? 'Read requests' : 'Write requests';
  const limit = kind === 'read' ? 'ReadRequestsPerMinutePerUser' : 'WriteRequestsPerMinutePerUser';
  return new ApiError(
    429,
    'RESOURCE_EXHAUSTED',
    `Quota exceeded for quota metric '${metric}' and limit '${metric.replace(' requests', ' requests per minute per user')}' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'RATE_LIMIT_EXCEEDED',
        domain: 'googleapis.com',
        metadata: {
          quota_metric: `sheets.googleapis.com/${kind}_requests`,
          quota_limit: limit,
          quota_limit_value: String(limitValue),
          service: 'sheets.googleapis.com',
          consumer: 'projects/000000000000',
        },
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Request a higher quota limit.',
            url: 'https://cloud.google.com/docs/quotas/help/request_increase',
          },
        ],
      },
    ],
    'rateLimitExceeded',
  );
}
