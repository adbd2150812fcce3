/**
 * The HTTP server that Google's own clients talk to through `rootUrl`. One request runs: route, count, faults,
 * authentication, quota, handler, field mask, answer. Errors are rendered in the shape of the API addressed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DRIVE_DEFAULT_FIELDS, driveRoutes } from './drive-routes';
import { emulatorRoutes, personEdit } from './emulator-routes';
import { ApiError, driveBody, invalid, sheetsBody } from './errors';
import { Faults } from './faults';
import { camelMask, checkMask, type Mask, parseMask, project } from './fields';
import { type Ctx, isServiceAccount, matchRoute, type Route, routeMatches } from './http';
import { type DriveFile, type DriveRole, FOLDER_MIME, type Role, SPREADSHEET_MIME } from './model';
import { oauthRoutes, type ServiceAccountKey, ServiceAccountKeys } from './oauth';
import { DEFAULT_QUOTA, Quota, type QuotaConfig, quotaExceeded } from './quota';
import { buildSpreadsheet, mutate, sheetsRoutes } from './sheets-routes';
import { Store } from './store';
import { fireSignal, type SignalRecord, type WebhookConfig } from './trigger';
import { type InputOption, type UpdateValuesResponse, writeValues } from './values';

const routes: Route[] = [...sheetsRoutes, ...driveRoutes, ...emulatorRoutes, ...oauthRoutes];

export type EmulatorOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Persist state here and reload it on start; in memory only when absent. */
  dataDir?: string;
  /** Google's default (60 reads + 60 writes a minute per user), a custom window, or off for seeding. */
  quota?: QuotaConfig | 'default' | 'off';
  webhook?: WebhookConfig;
  /**
   * Service accounts (callers whose email ends with `.iam.gserviceaccount.com`) have no Drive storage, as in Google:
   * `spreadsheets.create`, and `files.create`/`files.copy` outside a shared drive, answer 403 "The user's Drive
   * storage quota has been exceeded." On by default; `{ noDriveStorage: false }` lets them own files.
   */
  serviceAccounts?: { noDriveStorage?: boolean };
};

export type RequestRecord = {
  route: string;
  caller: string;
  spreadsheetId?: string;
  status: number;
  at: number;
};

export type RequestFilter = { route?: string; caller?: string; spreadsheetId?: string };

export type SheetInit = { title: string; rowCount?: number; columnCount?: number; values?: unknown[][] };

export type FileSnapshot = {
  id: string;
  name: string;
  mimeType: string;
  owner: string;
  parents: string[];
  /** The shared drive the file is in. */
  driveId?: string;
  appProperties?: Record<string, string>;
  trashed: boolean;
  version: number;
  modifiedTime: string;
  lastModifyingUser: string;
  trigger: boolean;
};

const MAX_LOG = 10_000;

/** A running emulator. */
export class Emulator {
  readonly store: Store;
  readonly faults = new Faults();
  readonly signals: SignalRecord[] = [];
  private readonly serviceAccounts = new ServiceAccountKeys();
  private readonly quota: Quota;
  private webhookConfig: WebhookConfig | undefined;
  private noDriveStorage: boolean;
  private readonly counts = new Map<
    string,
    { r: RequestFilter & { route: string; caller: string }; n: number }
  >();
  private readonly log: RequestRecord[] = [];
  private server!: Server;
  url = '';
  port = 0;

  constructor(opts: EmulatorOptions = {}) {
    this.store = new Store(opts.dataDir);
    const q = opts.quota ?? 'default';
    this.quota = new Quota(q === 'default' ? DEFAULT_QUOTA : q);
    this.webhookConfig = opts.webhook;
    this.noDriveStorage = opts.serviceAccounts?.noDriveStorage ?? true;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((e: unknown) => {
        if (!res.headersSent)
          this.send(res, 'sheets', new ApiError(500, 'INTERNAL', String((e as Error)?.message ?? e)));
      });
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host}:${this.port}/`;
  }

  /** Stops accepting requests, releases held ones, and writes the state to disk. */
  async close(): Promise<void> {
    this.faults.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.store.flush();
  }

  // ---- state helpers for tests and the local stack -------------------------------------------------------------

  /** Creates a spreadsheet owned by `owner`, optionally with named sheets and values (USER_ENTERED). */
  createSpreadsheetAs(
    owner: string,
    init: { title?: string; sheets?: SheetInit[]; parents?: string[] } = {},
  ): { spreadsheetId: string; sheetIds: Record<string, number> } {
    const ss = buildSpreadsheet({
      properties: { title: init.title ?? 'Untitled spreadsheet' },
      sheets: (init.sheets ?? [{ title: 'Sheet1' }]).map((s) => ({
        properties: {
          title: s.title,
          gridProperties: { rowCount: s.rowCount ?? 1000, columnCount: s.columnCount ?? 26 },
        },
      })),
    });
    const file = this.store.create(owner, {
      name: ss.properties.title,
      mimeType: SPREADSHEET_MIME,
      parents: init.parents ?? [],
      spreadsheet: ss,
    });
    for (const s of init.sheets ?? []) {
      if (s.values?.length)
        this.writeAs(owner, file.id, `'${s.title.replaceAll("'", "''")}'!A1`, s.values, 'USER_ENTERED');
    }
    const sheetIds: Record<string, number> = {};
    for (const s of file.spreadsheet!.sheets) sheetIds[s.properties.title] = s.properties.sheetId;
    return { spreadsheetId: file.id, sheetIds };
  }

  /**
   * Creates a shared drive as a Workspace admin would, with `organizer` as its manager and `members` added (a service
   * account as `fileOrganizer`, "Content manager", can then create files in it). Its id is also its root folder's.
   */
  createSharedDrive(
    organizer: string,
    name = 'Shared drive',
    members: Readonly<Record<string, DriveRole | Exclude<Role, 'owner'>>> = {},
    /** The Workspace domains whose users `domainUsersOnly` admits; the organizer's domain by default. */
    options: { domains?: readonly string[] } = {},
  ): string {
    const f = this.store.create(organizer, { name, mimeType: FOLDER_MIME, sharedDrive: true });
    if (options.domains) f.domains = options.domains.map((d) => d.toLowerCase());
    for (const [email, role] of Object.entries(members)) this.share(f.id, email, role);
    return f.id;
  }

  /** Shares a file, as permissions.create would; on a shared drive, adds a member (organizer, fileOrganizer...). */
  share(fileId: string, email: string, role: DriveRole | Exclude<Role, 'owner'>): void {
    const f = this.fileOrThrow(fileId);
    if ((role === 'organizer' || role === 'fileOrganizer') && !f.sharedDrive)
      throw new Error(`${role} is a shared drive role, and ${fileId} is not a shared drive`);
    if (role === 'organizer' || role === 'fileOrganizer')
      this.store.grant(f, { type: 'user', role: 'owner', emailAddress: email, driveRole: role });
    else this.store.grant(f, { type: 'user', role, emailAddress: email });
    this.store.touch(f, f.owner);
  }

  /**
   * A new key for a service account, as the Cloud console downloads it, whose `token_uri` is this emulator's
   * OAuth token endpoint (`POST /token`). Google's auth library exchanges it for an access token there (a signed
   * JWT-bearer grant, checked against the key); the token names the service account as the caller. Call after
   * `listen` (the key names the emulator's URL).
   */
  serviceAccountKey(email: string): ServiceAccountKey {
    return this.serviceAccounts.issue(email, this.url);
  }

  /** Whether service accounts are refused Drive storage (see `EmulatorOptions.serviceAccounts`). */
  setServiceAccountStorage(noDriveStorage: boolean): void {
    this.noDriveStorage = noDriveStorage;
  }

  /** Writes values as an API caller would (no trigger fires). */
  writeAs(
    caller: string,
    spreadsheetId: string,
    range: string,
    values: unknown[][],
    option: InputOption = 'RAW',
  ): UpdateValuesResponse {
    const file = this.store.spreadsheetFor(spreadsheetId, caller, 'write');
    return mutate(this.store, file, caller, (ss) =>
      writeValues(ss, file.id, range, values, { valueInputOption: option }),
    );
  }

  /** An edit typed by a person in the Sheets UI: applied as USER_ENTERED, then the trigger fires if installed. */
  async editAsPerson(
    spreadsheetId: string,
    person: string,
    range: string,
    values: unknown[][],
  ): Promise<UpdateValuesResponse & { signal?: SignalRecord }> {
    const res: UpdateValuesResponse & { signal?: SignalRecord } = personEdit(
      this.store,
      spreadsheetId,
      person,
      range,
      values,
    );
    const signal = await this.signal(spreadsheetId, person);
    if (signal) res.signal = signal;
    return res;
  }

  enableTrigger(spreadsheetId: string, enabled = true): void {
    this.fileOrThrow(spreadsheetId).trigger = enabled;
    this.store.changed();
  }

  disableTrigger(spreadsheetId: string): void {
    this.enableTrigger(spreadsheetId, false);
  }

  setWebhook(webhook: WebhookConfig | undefined): void {
    this.webhookConfig = webhook;
  }

  setQuota(quota: QuotaConfig | 'default' | 'off'): void {
    this.quota.set(quota === 'default' ? DEFAULT_QUOTA : quota);
  }

  /** The per-caller quota enforced now ('off' when none). */
  quotaInForce(): QuotaConfig | 'off' {
    return this.quota.current;
  }

  /** Drive metadata of a file, for assertions. */
  file(fileId: string): FileSnapshot {
    return snapshot(this.fileOrThrow(fileId));
  }

  /** Every file (shared drive roots left out), whoever can see it, for assertions. */
  files(): FileSnapshot[] {
    return [...this.store.files.values()].filter((f) => !f.sharedDrive).map(snapshot);
  }

  /** Requests served so far matching the filter; `route` may end in `*` (`sheets.*` counts Sheets API calls). */
  requestCount(filter: RequestFilter = {}): number {
    let n = 0;
    for (const { r, n: k } of this.counts.values()) {
      if (filter.route !== undefined && !routeMatches(filter.route, r.route)) continue;
      if (filter.caller !== undefined && filter.caller !== r.caller) continue;
      if (filter.spreadsheetId !== undefined && filter.spreadsheetId !== r.spreadsheetId) continue;
      n += k;
    }
    return n;
  }

  /** The most recent requests (up to 10,000), oldest first. */
  requests(): readonly RequestRecord[] {
    return this.log;
  }

  resetRequests(): void {
    this.counts.clear();
    this.log.length = 0;
  }

  private fileOrThrow(id: string): DriveFile {
    const f = this.store.files.get(id);
    if (!f) throw new Error(`no file ${id} in the emulator`);
    return f;
  }

  private async signal(spreadsheetId: string, editor?: string): Promise<SignalRecord | undefined> {
    const f = this.store.files.get(spreadsheetId);
    const hook = this.webhookConfig;
    if (!f?.trigger || !hook) return undefined;
    const record = await fireSignal(hook, spreadsheetId, Date.now(), editor);
    this.signals.push(record);
    return record;
  }

  private record(r: RequestRecord): void {
    const key = `${r.route}\u0000${r.caller}\u0000${r.spreadsheetId ?? ''}`;
    const c = this.counts.get(key);
    if (c) c.n++;
    else {
      const rr: RequestFilter & { route: string; caller: string } = { route: r.route, caller: r.caller };
      if (r.spreadsheetId !== undefined) rr.spreadsheetId = r.spreadsheetId;
      this.counts.set(key, { r: rr, n: 1 });
    }
    this.log.push(r);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }

  private summary() {
    const byRoute: Record<string, number> = {};
    for (const { r, n } of this.counts.values()) byRoute[r.route] = (byRoute[r.route] ?? 0) + n;
    return { total: this.requestCount(), byRoute };
  }

  // ---- request handling ------------------------------------------------------------------------------------------

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const matched = matchRoute(routes, method, url.pathname);
    const api = url.pathname.startsWith('/drive/') ? 'drive' : 'sheets';
    const legacy = url.searchParams.get('$.xgafv') === '1';
    if (!matched) {
      req.resume();
      this.send(
        res,
        api,
        new ApiError(404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`),
        legacy,
      );
      return;
    }
    const { route } = matched;
    let params: string[];
    try {
      params = matched.raw.map((p) => decodeURIComponent(p));
    } catch {
      req.resume();
      this.send(res, route.api, invalid('Malformed percent-encoding in the request path.'), legacy);
      return;
    }
    const caller = callerOf(req);
    const spreadsheetId = route.fileParam !== undefined ? params[route.fileParam] : undefined;
    const base = { route: route.name, caller: caller ?? '', at: Date.now() };
    const rec = (status: number) =>
      this.record(spreadsheetId !== undefined ? { ...base, spreadsheetId, status } : { ...base, status });

    const effects = this.faults.take({
      route: route.name,
      caller: caller ?? '',
      ...(spreadsheetId ? { spreadsheetId } : {}),
    });
    for (const e of effects) if (e.kind === 'latency') await sleep(e.ms);
    for (const e of effects) if (e.kind === 'hold' && e.stage === 'before') await e.hold.wait();
    if (effects.some((e) => e.kind === 'drop')) {
      rec(0);
      req.socket.destroy();
      return;
    }
    const status = effects.find((e) => e.kind === 'status');
    if (status && status.kind === 'status') {
      req.resume();
      rec(status.status);
      this.send(res, route.api, injected(status.status), legacy);
      return;
    }
    if (effects.some((e) => e.kind === 'rateLimit')) {
      req.resume();
      rec(429);
      this.send(res, route.api, quotaExceeded(route.quota ?? 'read'), legacy);
      return;
    }

    let result: unknown;
    try {
      if (!route.anonymous && caller === undefined) throw unauthenticated(req);
      if (route.quota) this.quota.take(caller!, route.quota);
      const fields =
        url.searchParams.get('fields') ??
        (route.api === 'drive' ? DRIVE_DEFAULT_FIELDS[route.name] : undefined);
      let mask: Mask | undefined;
      if (fields) {
        try {
          // Drive tolerates spaces in a mask; in Sheets a space is part of a name and matches no field.
          mask =
            route.api === 'sheets' ? camelMask(parseMask(fields, { keepSpaces: true })) : parseMask(fields);
        } catch (e) {
          throw invalid(`Invalid field selection: ${(e as Error).message}`);
        }
        const bad = route.response === undefined ? undefined : checkMask(mask, route.response);
        if (bad !== undefined)
          throw invalid(`Error expanding 'fields' parameter. Cannot find matching fields for path '${bad}'.`);
      }
      const ctx: Ctx = {
        caller: caller ?? '',
        params,
        query: url.searchParams,
        body: () => readJson(req),
        mask,
        store: this.store,
        quota: this.quota,
        signal: (id, editor) => this.signal(id, editor),
        webhook: () => this.webhookConfig,
        requestSummary: () => this.summary(),
        req,
        hasDriveStorage: (who) => !(this.noDriveStorage && isServiceAccount(who)),
        serviceAccounts: this.serviceAccounts,
      };
      result = await route.handle(ctx);
      if (mask && result !== undefined) result = project(result, mask);
    } catch (e) {
      req.resume();
      const err =
        e instanceof ApiError ? e : new ApiError(500, 'INTERNAL', (e as Error).message ?? String(e));
      rec(err.code);
      this.send(res, route.api, err, legacy);
      return;
    }
    for (const e of effects) if (e.kind === 'hold' && e.stage === 'after') await e.hold.wait();
    rec(result === undefined ? 204 : 200);
    if (result === undefined) {
      res.writeHead(204).end();
      return;
    }
    const text = JSON.stringify(result);
    res.writeHead(200, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** `legacy`: the request selected Google's v1 error envelope with `$.xgafv=1` (Sheets then adds `errors`). */
  private send(res: ServerResponse, api: string, e: ApiError, legacy = false): void {
    const body = JSON.stringify(
      api === 'drive' ? driveBody(e) : api === 'oauth' ? oauthBody(e) : sheetsBody(e, legacy),
    );
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(body),
    };
    if (e.code === 401) headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/"';
    res.writeHead(e.code, headers);
    res.end(body);
  }
}

/** The token endpoint's error shape (RFC 6749 section 5.2); an injected fault there reads as Google's 5xx. */
function oauthBody(e: ApiError): unknown {
  const error = e.code >= 500 ? 'internal_failure' : (e.reason ?? 'invalid_request');
  return { error, error_description: e.message };
}

function snapshot(f: DriveFile): FileSnapshot {
  return {
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    owner: f.owner,
    parents: [...f.parents],
    ...(f.driveId !== undefined ? { driveId: f.driveId } : {}),
    ...(f.appProperties ? { appProperties: { ...f.appProperties } } : {}),
    trashed: f.trashed,
    version: f.version,
    modifiedTime: new Date(f.modifiedTime).toISOString(),
    lastModifyingUser: f.lastModifyingUser,
    trigger: f.trigger,
  };
}

/** `Authorization: Bearer alice@example.com` names alice; anything else is no caller. */
function callerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m?.[1];
}

function unauthenticated(req: IncomingMessage): ApiError {
  if (req.headers.authorization) {
    return new ApiError(
      401,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    );
  }
  return new ApiError(
    401,
    'UNAUTHENTICATED',
    'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    undefined,
    'required',
  );
}

function injected(status: number): ApiError {
  if (status === 503)
    return new ApiError(
      503,
      'UNAVAILABLE',
      'The service is currently unavailable.',
      undefined,
      'backendError',
    );
  if (status === 500)
    return new ApiError(500, 'INTERNAL', 'Internal error encountered.', undefined, 'backendError');
  if (status === 429) return quotaExceeded('read');
  return new ApiError(
    status,
    status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION',
    `Injected fault ${status}.`,
    undefined,
    'backendError',
  );
}

const MAX_BODY = 10 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY)
      throw new ApiError(413, 'INVALID_ARGUMENT', 'Request payload size exceeds the limit: 10485760 bytes.');
    chunks.push(b);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(`Invalid JSON payload received. Unexpected token.\n${text.slice(0, 40)}`);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts an emulator and resolves once it listens. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(opts);
  await emulator.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return emulator;
}
