/**
 * Runs one Apps Script function of a project in the worker of gas-worker.js and serves its UrlFetchApp calls with
 * real HTTP from this thread. State (properties, triggers) goes in and comes back, so a test can configure a script
 * and then fire its trigger, as two executions of the same project.
 */
import { join } from 'node:path';
import { type MessagePort, Worker } from 'node:worker_threads';
import { projectFiles, type ScriptVariant } from '../../../lib/appscript/project';

export type GasState = {
  scriptProperties: Record<string, string>;
  /** Per user: the User Properties of that user for this script. */
  userProperties: Record<string, Record<string, string>>;
  triggers: { id: string; handler: string; sourceId: string; eventType: string; owner: string }[];
  nextTriggerId: number;
  /** The spreadsheet the script is bound to; absent for a standalone script. */
  activeSpreadsheetId?: string;
  /** Who runs this execution: the trigger's owner, or the person who clicked the menu. */
  activeUser?: string;
};

export type ChangeEvent = { changeType: string; sourceId?: string; user?: string; triggerUid?: string };

export type GasCall = { fn: string; args?: unknown[]; batch?: unknown[][]; event?: ChangeEvent };

export type Fetched = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  status: number | null;
  error: string | null;
};

export type GasRun = {
  result: unknown;
  error: string | null;
  state: GasState;
  record: {
    logs: string[];
    fetches: Fetched[];
    sleeps: number[];
    toasts: { message: string; title: string }[];
    menus: { name: string; items: { caption: string; functionName: string }[] }[];
  };
};

export type FetchRequest = Omit<Fetched, 'status' | 'error'> & { followRedirects: boolean };
/** Answers a request instead of the network (a webhook outage); undefined lets it through. */
export type Intercept = (
  request: FetchRequest,
  n: number,
) => { status: number } | { error: string } | undefined;

export const emptyState = (over: Partial<GasState> = {}): GasState => ({
  scriptProperties: {},
  userProperties: {},
  triggers: [],
  nextTriggerId: 1,
  ...over,
});

type FetchMessage = { type: 'fetch'; request: FetchRequest; port: MessagePort; flag: Int32Array };

export function runScript(
  variant: ScriptVariant,
  call: GasCall,
  state: GasState,
  intercept?: Intercept,
): Promise<GasRun> {
  const files = projectFiles(variant)
    .filter((f) => f.file.type === 'SERVER_JS')
    .map((f) => f.path);
  const worker = new Worker(join(__dirname, 'gas-worker.js'), { workerData: { files, call, state } });
  let n = 0;
  return new Promise<GasRun>((resolve, reject) => {
    worker.on('message', async (m: FetchMessage | ({ type: 'done' } & GasRun)) => {
      if (m.type === 'done') {
        resolve({ result: m.result, error: m.error, state: m.state, record: m.record });
        return;
      }
      let answer: object;
      const fake = intercept?.(m.request, n++);
      if (fake) answer = fake;
      else {
        try {
          const res = await fetch(m.request.url, {
            method: m.request.method,
            headers: m.request.headers,
            ...(m.request.body !== undefined && { body: m.request.body }),
            redirect: m.request.followRedirects ? 'follow' : 'manual',
          });
          answer = { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
        } catch (e) {
          answer = { error: (e as Error).message };
        }
      }
      m.port.postMessage(answer);
      Atomics.store(m.flag, 0, 1);
      Atomics.notify(m.flag, 0);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the Apps Script worker exited with ${code}`));
    });
  });
}
