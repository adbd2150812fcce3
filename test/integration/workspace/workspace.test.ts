/**
 * The workspace's server and its life over a directory, without a browser: its JSON API over the real runtime
 * (emulator over HTTP, dynalite, the handlers), edits made as a person through the emulator, the event stream,
 * the refusals, and a restart that resumes the state instead of seeding again.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf } from '../../../lib/local/seed';
import type { ChangeEvent, FilesView, ResultsView, SheetView } from '../../../lib/local/workspace/types';
import {
  LOCK_FILE,
  startWorkspace,
  WORKSPACE_FILE,
  type Workspace,
  WorkspaceError,
  type WorkspaceOptions,
} from '../../../lib/local/workspace/workspace';

const ev = loadDefaultEvaluation(2025);
const zoneIndicators = ev.methodology.indicators.filter((i) => i.source === 'zone');
const formRow = (code: string) => zoneIndicators.findIndex((i) => i.code === code) + 3;
const E = 'pilot-2025';

let dir: string;
let ws: Workspace;
const options = (): WorkspaceOptions => ({
  dataDir: dir,
  port: 0,
  zones: 6,
  years: [2025],
  evaluateDelayMs: 200,
  uncertaintyRuns: 20,
  reconcileEveryMs: false,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ze-workspace-'));
  ws = await startWorkspace(options());
}, 120_000);
afterAll(async () => {
  await ws?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async <T>(path: string, init?: RequestInit) => {
  const r = await fetch(`${ws.url}${path}`, init);
  return { status: r.status, body: (await r.json()) as T };
};
const edit = (sheet: string, body: unknown, headers: Record<string, string> = {}) =>
  get<{ ok?: boolean; message?: string; signal?: { status: number } }>(`api/sheets/${sheet}/edit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const zoneSheet = async (zoneId: string) =>
  (await get<FilesView>(`api/evaluations/${E}/files`)).body.files.find((f) => f.zoneId === zoneId)!
    .spreadsheetId;

/** Collects the event stream's change events until `until` holds for one (or the time runs out). */
async function eventsUntil(until: (e: ChangeEvent) => boolean, timeoutMs = 30_000): Promise<ChangeEvent[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const seen: ChangeEvent[] = [];
  try {
    const r = await fetch(`${ws.url}api/events`, { signal: ctrl.signal });
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of r.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let k = buffer.indexOf('\n\n');
      while (k >= 0) {
        const block = buffer.slice(0, k);
        buffer = buffer.slice(k + 2);
        const data = /^event: change\ndata: (.*)$/m.exec(block)?.[1];
        if (data) {
          const e = JSON.parse(data) as ChangeEvent;
          seen.push(e);
          if (until(e)) return seen;
        }
        k = buffer.indexOf('\n\n');
      }
    }
  } catch (error) {
    if (!ctrl.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return seen;
}

test('the first start seeds the evaluation and writes the manifest once it is published', async () => {
  expect(ws.seeded).toBe(true);
  const manifest = JSON.parse(readFileSync(join(dir, WORKSPACE_FILE), 'utf8'));
  expect(manifest).toMatchObject({ format: 1, zones: 6, evaluations: [{ evaluationId: E, year: 2025 }] });
  const { body } = await get<ResultsView>(`api/evaluations/${E}/results`);
  expect(body.doc?.zones.map((z) => z.rank)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(body.colours).toEqual({ A: '#1a9850', B: '#91cf60', C: '#fee08b', D: '#d73027' });
  expect(body.doc?.zones.every((z) => z.uncertainty !== null)).toBe(true);
});

test('the page is served with a policy that allows no inline script', async () => {
  const r = await fetch(ws.url);
  expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await r.text()).toContain('<script src="/app.js" defer></script>');
  const js = await fetch(`${ws.url}app.js`);
  expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
});

test("a zone's form reads as grids with its official as the editor", async () => {
  const { body } = await get<SheetView>(`api/sheets/${await zoneSheet('zhengzhou')}`);
  expect(body.editors).toEqual([officialOf('zhengzhou')]);
  expect(body.tabs.map((t) => t.title)).toEqual(['Form', 'Feedback']);
  expect(body.tabs[0]!.rows[0]).toEqual(['Zone ID', 'zhengzhou', 'Zhengzhou 郑州']);
});

test("an official's edit goes through the trigger, and the event stream reports the sheet, then the run", async () => {
  const sheet = await zoneSheet('zhengzhou');
  const before = (await get<ResultsView>(`api/evaluations/${E}/results`)).body.status.publishedRun!;
  const watching = eventsUntil((e) => (e.evaluations[E]?.publishedRun ?? 0) > before);
  await new Promise((r) => setTimeout(r, 300));
  const res = await edit(sheet, {
    tab: 'Form',
    cell: `D${formRow('T03')}`,
    value: '12abc',
    as: officialOf('zhengzhou'),
  });
  expect(res.body).toMatchObject({ ok: true, signal: { status: 202 } });
  const events = await watching;
  const last = events.at(-1)!;
  expect(last.evaluations[E]!.publishedRun).toBeGreaterThan(before);
  expect(Number(last.versions[sheet])).toBeGreaterThan(Number(events[0]!.versions[sheet]));
  const { body } = await get<SheetView>(`api/sheets/${sheet}`);
  const feedback = body.tabs.find((t) => t.title === 'Feedback')!.rows.flat();
  expect(feedback).toContain('“12abc” is not a number.');
}, 60_000);

test('an edit by someone the form is not shared with is refused with the emulator’s reason', async () => {
  const res = await edit(await zoneSheet('zhengzhou'), {
    tab: 'Form',
    cell: 'D5',
    value: '1',
    as: officialOf('hangzhou'),
  });
  expect(res.status).toBe(403);
  expect(res.body.ok).toBe(false);
  expect(res.body.message).toMatch(/permission/i);
});

test('a malformed edit, a foreign origin and a foreign host name are refused', async () => {
  const sheet = await zoneSheet('zhengzhou');
  const bad = await edit(sheet, { tab: 'Form', cell: 'D5', value: '1', as: 'x', colour: 'red' });
  expect(bad.status).toBe(400);
  expect(bad.body.message).toMatch(/colour/);
  expect((await edit(sheet, { tab: 'Form', cell: 'D5!', value: '1', as: 'x' })).body.message).toMatch(
    /such as D7/,
  );
  const foreign = await edit(
    sheet,
    { tab: 'Form', cell: 'D5', value: '1', as: 'x' },
    { origin: 'http://evil.test' },
  );
  expect(foreign.status).toBe(403);
  const port = new URL(ws.url).port;
  const rebinding = await new Promise<string>((resolve, reject) => {
    const s = require('node:net').connect(Number(port), '127.0.0.1', () =>
      s.write(`GET /api/workspace HTTP/1.1\r\nHost: evil.test:${port}\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    s.on('data', (b: Buffer) => (text += b.toString()));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
  expect(rebinding).toMatch(/^HTTP\/1\.1 421/);
});

test('a restart resumes the directory: no seeding, the same runs and the edit kept', async () => {
  const before = (await get<ResultsView>(`api/evaluations/${E}/results`)).body;
  await ws.close();
  ws = await startWorkspace(options());
  expect(ws.seeded).toBe(false);
  const after = (await get<ResultsView>(`api/evaluations/${E}/results`)).body;
  expect(after.status.publishedRun).toBe(before.status.publishedRun);
  expect(after.doc?.inputHash).toBe(before.doc?.inputHash);
  const { body } = await get<SheetView>(`api/sheets/${await zoneSheet('zhengzhou')}`);
  expect(body.tabs[0]!.rows[formRow('T03') - 1]?.[3]).toBe('12abc');
}, 120_000);

test('a directory holding something else, or a port in use, is refused with the remedy', async () => {
  const other = mkdtempSync(join(tmpdir(), 'ze-not-workspace-'));
  try {
    mkdirSync(join(other, 'dynamo'));
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(startWorkspace({ ...options(), dataDir: other })).rejects.toThrow(
      new WorkspaceError(
        `${other} is not empty and holds no ${WORKSPACE_FILE} (another tool's directory, or a first start that was interrupted): remove it, or choose another --data-dir`,
      ),
    );
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
  // A second workspace over a directory a running one holds (here: a live process's lock) would wait forever on
  // dynalite's lock: it is refused at once.
  const held = mkdtempSync(join(tmpdir(), 'ze-held-'));
  try {
    writeFileSync(join(held, LOCK_FILE), String(process.ppid));
    await expect(startWorkspace({ ...options(), dataDir: held })).rejects.toThrow(
      `another workspace (process ${process.ppid}) is running over ${held}: stop it first, or choose another --data-dir`,
    );
  } finally {
    rmSync(held, { recursive: true, force: true });
  }
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  const port = (taken.address() as { port: number }).port;
  try {
    // Refused before the runtime opens the directory (the running workspace holds it).
    await expect(startWorkspace({ ...options(), port })).rejects.toThrow(
      `port ${port} is in use: choose another with --port (or --port 0 for a free one)`,
    );
  } finally {
    taken.close();
  }
}, 60_000);
