/** The shape of a route and what a handler receives. */
import type { IncomingMessage } from 'node:http';
import { invalid } from './errors';
import type { Mask } from './fields';
import type { ServiceAccountKeys } from './oauth';
import type { Quota } from './quota';
import type { Store } from './store';
import type { SignalRecord, WebhookConfig } from './trigger';

export type Api = 'sheets' | 'drive' | 'emulator' | 'oauth';

export type Ctx = {
  caller: string;
  params: string[];
  query: URLSearchParams;
  body: () => Promise<unknown>;
  mask: Mask | undefined;
  store: Store;
  quota: Quota;
  /** Fires the simulated trigger when the spreadsheet has it and a webhook is configured. */
  signal: (spreadsheetId: string, editor?: string) => Promise<SignalRecord | undefined>;
  webhook: () => WebhookConfig | undefined;
  requestSummary: () => unknown;
  req: IncomingMessage;
  /** Whether the caller may own files in My Drive (service accounts may not: `EmulatorOptions.serviceAccounts`). */
  hasDriveStorage: (caller: string) => boolean;
  /** The service-account keys the emulator issued, for the OAuth token endpoint. */
  serviceAccounts: ServiceAccountKeys;
};

/** A service account's email, as Google issues them (`name@project.iam.gserviceaccount.com`). */
export const isServiceAccount = (email: string): boolean => /\.iam\.gserviceaccount\.com$/i.test(email);

export type Route = {
  /** Named like the client method, e.g. `sheets.values.get`; fault rules and request counts use it. */
  name: string;
  api: Api;
  method: string;
  pattern: RegExp;
  /** Which quota the request draws on; Drive and emulator routes draw on none. */
  quota?: 'read' | 'write';
  /** Whether the route needs a caller (emulator health and counters do not). */
  anonymous?: boolean;
  /** The spreadsheet or file the request names, for counts per spreadsheet. */
  fileParam?: number;
  /** The Sheets resource the route answers (`SHEETS_TYPES`), against which a `fields` mask is checked. */
  response?: string;
  handle: (ctx: Ctx) => Promise<unknown> | unknown;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A route's path pattern from a template in the style of Google's discovery documents (`flatPath`):
 * `/v4/spreadsheets/{spreadsheetId}/values/{+range}:append`. `{name}` matches one path segment up to a `:` (which
 * starts a custom method such as `:batchUpdate`); `{+name}` matches a whole segment, colons included (an A1 range).
 */
export function path(template: string): RegExp {
  let re = '';
  let last = 0;
  for (const m of template.matchAll(/\{(\+?)[A-Za-z]+\}/g)) {
    re += escapeRegExp(template.slice(last, m.index)) + (m[1] ? '([^/]+)' : '([^/:]+)');
    last = m.index + m[0].length;
  }
  return new RegExp(`^${re}${escapeRegExp(template.slice(last))}$`);
}

/** The route for a request and the raw path parameters, or undefined when none matches. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; raw: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(pathname);
    if (m) return { route, raw: m.slice(1) };
  }
  return undefined;
}

/** Whether a route name matches a filter: the name itself, `*`, or a prefix ending in `*` (`sheets.*`). */
export function routeMatches(pattern: string, route: string): boolean {
  if (pattern === '*' || pattern === route) return true;
  return pattern.endsWith('*') && route.startsWith(pattern.slice(0, -1));
}

/** An enum query parameter, refused with Google's wording when it is not one of the values. */
export function enumParam<T extends string>(
  q: URLSearchParams,
  name: string,
  values: readonly T[],
  api: string,
): T | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    throw invalid(
      `Invalid value at '${snake}' (type.googleapis.com/${api}.${name[0]!.toUpperCase()}${name.slice(1)}), "${v}"`,
    );
  }
  return v as T;
}

export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}
