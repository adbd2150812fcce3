import { drive } from '@googleapis/drive';
import { auth, sheets } from '@googleapis/sheets';
import type { Emulator } from '../../../lib/local/emulator';

/**
 * Google's own clients, pointed at the emulator, with a bearer token naming the caller. gaxios would otherwise load
 * node-fetch through a dynamic import, which jest's CommonJS sandbox refuses; Node's own fetch is what it uses in
 * production on Node 20 anyway.
 */
export function clientsFor(emulator: Emulator, who: string) {
  const oauth = new auth.OAuth2();
  oauth.setCredentials({ access_token: who });
  const common = { rootUrl: emulator.url, auth: oauth, fetchImplementation: fetch };
  return {
    sheets: sheets({ version: 'v4', ...common }),
    drive: drive({ version: 'v3', ...common }),
  };
}

export type ApiFailure = {
  status: number;
  data: {
    error: {
      code: number;
      message: string;
      status?: string;
      details?: unknown[];
      errors?: Array<{ reason: string }>;
    };
  };
};

/** The HTTP status and Google error body of a call expected to fail. */
export async function failure(p: Promise<unknown>): Promise<ApiFailure> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; response?: { status: number; data: ApiFailure['data'] } };
    if (err.response) return { status: err.response.status, data: err.response.data };
    throw e;
  }
  throw new Error('expected the call to fail');
}

export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export const CAROL = 'carol@example.com';

/** Calls fail at once instead of being retried by gaxios, for tests that count answers. */
export const noRetry = { retry: false } as const;
