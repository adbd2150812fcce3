/**
 * The workspace's web server (node:http): the page (HTML shell, its script bundled from client/ and browser/,
 * its stylesheet), a small JSON API over the local runtime, and a server-sent event stream that says when
 * something moved, so the page refetches what it shows.
 *
 * An edit is sent to the emulator's "edit as a person" endpoint over HTTP with the person as the caller: the
 * emulator applies it as typed (USER_ENTERED, protections and sharing enforced) and fires the spreadsheet's
 * simulated Apps Script trigger, whose signed POST reaches the webhook handler, as an edit in Google would.
 *
 * Only this machine is served: the server answers requests addressed to its own host and port (no DNS
 * rebinding), and an edit must be a same-origin JSON POST.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { quoteTab } from '../../sheets/a1';
import type { LocalRuntime } from '../runtime';
import { SERVICE_ACCOUNT } from '../stack';
import { workspaceFiles, workspaceResults, workspaceSheet, workspaceStatus } from './data';
import { PAGE_CSS, PAGE_HTML } from './page';
import type { ChangeEvent, EditAnswer, EvaluationEntry, WorkspaceInfo } from './types';

export type WorkspaceServerOptions = {
  runtime: LocalRuntime;
  evaluations: EvaluationEntry[];
  /** The browser script; built once, on the first request for it. */
  script: () => Promise<string>;
  port?: number;
  host?: string;
  /** How often the event stream looks for changes while a page listens. */
  pollMs?: number;
};

export type WorkspaceServer = { url: string; port: number; close(): Promise<void> };

const EditSchema = z.strictObject({
  tab: z.string().min(1),
  cell: z.string().regex(/^[A-Z]{1,3}[1-9]\d{0,6}$/, 'a cell such as D7'),
  value: z.string().max(50_000),
  as: z.string().min(1),
});

/** The emulator's answer to an edit made as a person. */
const EditedSchema = z.looseObject({
  updatedRange: z.string().optional(),
  signal: z.looseObject({ status: z.number().optional(), error: z.string().optional() }).optional(),
});
/** Google's error body, as the emulator answers a refused edit. */
const ApiErrorSchema = z.looseObject({ error: z.looseObject({ message: z.string() }) });

/** A JSON error body: one sentence. */
const problem = (res: ServerResponse, status: number, message: string) => json(res, status, { message });

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The page may load only its own script and stylesheet; nothing inline, nothing from elsewhere. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

async function readJson(req: IncomingMessage, limit = 100_000): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > limit) throw new RangeError('request body too large');
    chunks.push(b);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the server; resolves once it listens. A port in use rejects with Node's EADDRINUSE error. */
export async function startWorkspaceServer(options: WorkspaceServerOptions): Promise<WorkspaceServer> {
  const { runtime, evaluations } = options;
  const stack = runtime.stack;
  const byId = new Map(evaluations.map((e) => [e.evaluationId, e]));
  const info: WorkspaceInfo = {
    evaluations,
    defaultEvaluation: evaluations.at(-1)?.evaluationId ?? '',
  };
  let script: Promise<string> | undefined;
  const streams = new Set<ServerResponse>();
  /** The host names this server answers for (set once it listens). */
  let hosts = new Set<string>();
  let host = '';

  const fileInfo = (id: string) => {
    try {
      const f = stack.emulator.file(id);
      return { version: String(f.version), modifiedTime: f.modifiedTime };
    } catch {
      return null;
    }
  };

  /** What the event stream reports: every evaluation's counters and every spreadsheet's Drive version. */
  async function snapshot(): Promise<ChangeEvent> {
    const states = await Promise.all(evaluations.map((e) => workspaceStatus(stack.store, e.evaluationId)));
    const versions: Record<string, string> = {};
    for (const f of stack.emulator.files()) versions[f.id] = String(f.version);
    return { evaluations: Object.fromEntries(states.map((s) => [s.evaluationId, s])), versions };
  }

  let last = '';
  let polling: NodeJS.Timeout | undefined;
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const text = JSON.stringify(await snapshot());
      if (text !== last) {
        last = text;
        for (const s of streams) s.write(`event: change\ndata: ${text}\n\n`);
      }
    } catch (error) {
      runtime.log.error('workspace.events', { error: String(error) });
    } finally {
      busy = false;
    }
  };

  async function events(req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    streams.add(res);
    res.write(`event: change\ndata: ${JSON.stringify(await snapshot())}\n\n`);
    polling ??= setInterval(() => void poll(), options.pollMs ?? 300);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
      if (streams.size === 0 && polling) {
        clearInterval(polling);
        polling = undefined;
        last = '';
      }
    });
  }

  async function edit(req: IncomingMessage, res: ServerResponse, spreadsheetId: string) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return problem(res, 415, 'an edit is a JSON body: {"tab", "cell", "value", "as"}');
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, '')))
      return problem(res, 403, `edits are accepted from this page only, not from ${origin}`);
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return problem(res, 400, 'the edit is not JSON');
    }
    const parsed = EditSchema.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return problem(res, 400, `edit ${i?.path.join('.') || 'body'}: ${i?.message}`);
    }
    const e = parsed.data;
    const r = await fetch(
      `${stack.emulator.url}emulator/v1/spreadsheets/${encodeURIComponent(spreadsheetId)}/edit`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${e.as}`, 'content-type': 'application/json' },
        body: JSON.stringify({ range: `${quoteTab(e.tab)}!${e.cell}`, values: [[e.value]] }),
      },
    );
    const answer: unknown = await r.json();
    let out: EditAnswer;
    if (r.ok) {
      const a = EditedSchema.parse(answer);
      out = {
        ok: true,
        updatedRange: a.updatedRange ?? '',
        signal: a.signal ? { status: a.signal.status ?? null, error: a.signal.error ?? null } : null,
      };
    } else {
      const a = ApiErrorSchema.safeParse(answer);
      out = { ok: false, status: r.status, message: a.success ? a.data.error.message : `HTTP ${r.status}` };
    }
    json(res, r.ok ? 200 : r.status, out);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Requests for another host name (DNS rebinding) are refused.
    if (!hosts.has(req.headers.host ?? '')) return problem(res, 421, `this server answers for ${host} only`);
    const url = new URL(req.url ?? '/', `http://${host}`);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
      return void res.end(PAGE_HTML);
    }
    if (method === 'GET' && url.pathname === '/app.js') {
      script ??= options.script();
      const js = await script;
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...SECURITY_HEADERS });
      return void res.end(js);
    }
    if (method === 'GET' && url.pathname === '/app.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', ...SECURITY_HEADERS });
      return void res.end(PAGE_CSS);
    }
    if (method === 'GET' && url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (parts[0] !== 'api') return problem(res, 404, `no page ${url.pathname}`);
    if (method === 'GET' && parts[1] === 'workspace' && parts.length === 2) return json(res, 200, info);
    if (method === 'GET' && parts[1] === 'events' && parts.length === 2) return events(req, res);
    if (parts[1] === 'evaluations' && parts.length === 4 && method === 'GET') {
      const e = byId.get(parts[2]!);
      if (!e) return problem(res, 404, `no evaluation ${parts[2]} in this workspace`);
      if (parts[3] === 'results') return json(res, 200, await workspaceResults(stack.store, e.evaluationId));
      if (parts[3] === 'files') return json(res, 200, await workspaceFiles(stack.store, e, fileInfo));
    }
    if (parts[1] === 'sheets' && parts.length === 3 && method === 'GET') {
      if (fileInfo(parts[2]!) === null) return problem(res, 404, `no spreadsheet ${parts[2]}`);
      return json(res, 200, await workspaceSheet(stack.google, parts[2]!, SERVICE_ACCOUNT));
    }
    if (parts[1] === 'sheets' && parts.length === 4 && parts[3] === 'edit' && method === 'POST')
      return edit(req, res, parts[2]!);
    return problem(res, 404, `no ${method} ${url.pathname}`);
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      runtime.log.error('workspace.request', { url: req.url, error: String(error) });
      if (!res.headersSent) problem(res, 500, `the workspace failed: ${String(error)}`);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const name = options.host ?? '127.0.0.1';
  host = `${name.includes(':') ? `[${name}]` : name}:${port}`;
  hosts = new Set([host, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
  return {
    url: `http://${host}/`,
    port,
    async close() {
      if (polling) clearInterval(polling);
      for (const s of streams) s.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
