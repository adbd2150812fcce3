/**
 * An Apps Script runtime for tests, in a worker thread: the project's files run in a fresh V8 context with shims of
 * the services they use, behaving as Apps Script documents them. UrlFetchApp.fetch is synchronous in Apps Script;
 * here it blocks this worker (Atomics.wait) while the main thread makes the real HTTP request, so the script sees the
 * webhook's real answer on the same code path it takes in Google.
 */
const { parentPort, workerData, MessageChannel, receiveMessageOnPort } = require('node:worker_threads');
const vm = require('node:vm');
const crypto = require('node:crypto');
const fs = require('node:fs');

const { files, call, state } = workerData;
const record = { logs: [], fetches: [], sleeps: [], toasts: [], menus: [] };
const has = (o, k) => Object.hasOwn(o, k);

const format = (fmt, args) => {
  let i = 0;
  return String(fmt).replace(/%s/g, () => String(args[i++]));
};

/** Properties: strings only, 9 KB per value (Apps Script's limit). */
function properties(store) {
  const set = (k, v) => {
    const s = String(v);
    if (Buffer.byteLength(s) > 9 * 1024) throw new Error('Exception: Argument too large: value');
    store[k] = s;
  };
  return {
    getProperty: (k) => (has(store, k) ? store[k] : null),
    getProperties: () => ({ ...store }),
    getKeys: () => Object.keys(store),
    setProperty(k, v) {
      set(k, v);
      return this;
    },
    setProperties(obj, deleteAllOthers) {
      if (deleteAllOthers) for (const k of Object.keys(store)) delete store[k];
      for (const k of Object.keys(obj)) set(k, obj[k]);
      return this;
    },
    deleteProperty(k) {
      delete store[k];
      return this;
    },
  };
}

function spreadsheet(id) {
  return {
    getId: () => id,
    toast: (message, title, seconds) => record.toasts.push({ message, title, seconds }),
  };
}

const Charset = { US_ASCII: 'US_ASCII', UTF_8: 'UTF_8' };
const Utilities = {
  Charset,
  /** The String overloads; the result is Java's signed bytes, -128..127. */
  computeHmacSha256Signature(value, key, charset) {
    if (typeof value !== 'string' || typeof key !== 'string')
      throw new Error(
        "Exception: The parameters don't match the method signature for Utilities.computeHmacSha256Signature.",
      );
    if (charset !== undefined && !has(Charset, charset))
      throw new Error(`Exception: Invalid argument: ${charset}`);
    const enc = charset === 'US_ASCII' ? 'ascii' : 'utf8';
    const mac = crypto.createHmac('sha256', Buffer.from(key, enc)).update(Buffer.from(value, enc)).digest();
    return Array.from(mac, (b) => (b << 24) >> 24);
  },
  sleep: (ms) => record.sleeps.push(ms),
};

const FETCH_OPTIONS = [
  'method',
  'contentType',
  'headers',
  'payload',
  'muteHttpExceptions',
  'followRedirects',
  'validateHttpsCertificates',
  'escaping',
];
const UrlFetchApp = {
  fetch(url, params = {}) {
    for (const k of Object.keys(params))
      if (!FETCH_OPTIONS.includes(k)) throw new Error(`test shim: UrlFetchApp.fetch has no option ${k}`);
    const headers = { ...(params.headers ?? {}) };
    if (params.contentType) headers['Content-Type'] = params.contentType;
    const request = {
      url,
      method: String(params.method ?? 'get').toUpperCase(),
      headers,
      body: params.payload === undefined ? undefined : String(params.payload),
      followRedirects: params.followRedirects !== false,
    };
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    parentPort.postMessage({ type: 'fetch', request, port: port2, flag }, [port2]);
    Atomics.wait(flag, 0, 0, 20000);
    const answer = receiveMessageOnPort(port1);
    port1.close();
    if (!answer) throw new Error(`Exception: Timeout: ${url}`);
    const r = answer.message;
    record.fetches.push({ ...request, status: r.status ?? null, error: r.error ?? null });
    // A network fault throws whatever muteHttpExceptions says; an HTTP error status throws only without it.
    if (r.error) throw new Error(`Exception: ${r.error}`);
    if (!params.muteHttpExceptions && r.status >= 400)
      throw new Error(`Exception: Request failed for ${url} returned code ${r.status}.`);
    return {
      getResponseCode: () => r.status,
      getContentText: () => r.body,
      getHeaders: () => ({ ...r.headers }),
    };
  },
};

const triggers = state.triggers;
const user = () => state.activeUser ?? '';
function trigger(t) {
  return {
    getUniqueId: () => t.id,
    getHandlerFunction: () => t.handler,
    getTriggerSourceId: () => t.sourceId,
    getEventType: () => t.eventType,
  };
}
const ScriptApp = {
  EventType: { ON_CHANGE: 'ON_CHANGE', ON_EDIT: 'ON_EDIT', ON_OPEN: 'ON_OPEN' },
  /** Only the caller's triggers, as Apps Script lists them. */
  getProjectTriggers: () => triggers.filter((t) => t.owner === user()).map(trigger),
  deleteTrigger(t) {
    const i = triggers.findIndex((x) => x.id === t.getUniqueId() && x.owner === user());
    if (i < 0) throw new Error('Exception: No trigger with that id for this user');
    triggers.splice(i, 1);
  },
  newTrigger(handler) {
    return {
      forSpreadsheet(sheet) {
        const sourceId = typeof sheet === 'string' ? sheet : sheet.getId();
        let eventType = null;
        return {
          onChange() {
            eventType = 'ON_CHANGE';
            return this;
          },
          create() {
            if (!eventType) throw new Error('Exception: the trigger has no event');
            if (triggers.filter((t) => t.owner === user()).length >= 20)
              throw new Error(
                'Exception: This script has too many triggers. Triggers must be deleted from the script before more can be added.',
              );
            const t = { id: String(state.nextTriggerId++), handler, sourceId, eventType, owner: user() };
            triggers.push(t);
            return trigger(t);
          },
        };
      },
    };
  },
};

const SpreadsheetApp = {
  getActiveSpreadsheet: () => (state.activeSpreadsheetId ? spreadsheet(state.activeSpreadsheetId) : null),
  getActive: () => SpreadsheetApp.getActiveSpreadsheet(),
  getUi() {
    if (!state.activeSpreadsheetId)
      throw new Error('Exception: Cannot call SpreadsheetApp.getUi() from this context.');
    const menu = { items: [] };
    return {
      createMenu(name) {
        menu.name = name;
        return {
          addItem(caption, functionName) {
            menu.items.push({ caption, functionName });
            return this;
          },
          addToUi: () => record.menus.push(menu),
        };
      },
    };
  },
};

const userProps = (state.userProperties[user()] ??= {});
const context = vm.createContext({
  Utilities,
  UrlFetchApp,
  ScriptApp,
  SpreadsheetApp,
  PropertiesService: {
    getScriptProperties: () => properties(state.scriptProperties),
    getUserProperties: () => properties(userProps),
  },
  Session: { getActiveUser: () => ({ getEmail: user }), getEffectiveUser: () => ({ getEmail: user }) },
  Logger: { log: (fmt, ...args) => record.logs.push(format(fmt, args)) },
  console: { log: (...a) => record.logs.push(a.join(' ')), warn: (...a) => record.logs.push(a.join(' ')) },
});
for (const f of files) vm.runInContext(fs.readFileSync(f, 'utf8'), context, { filename: f });

/** The change event object Apps Script passes an installable onChange trigger. */
function changeEvent(e) {
  return {
    authMode: 'FULL',
    changeType: e.changeType,
    source: e.sourceId ? spreadsheet(e.sourceId) : undefined,
    triggerUid: e.triggerUid ?? '4034124084959907503',
    user: { getEmail: () => e.user ?? '' },
  };
}

let result;
let error = null;
try {
  const fn = vm.runInContext(call.fn, context);
  if (call.batch) result = call.batch.map((args) => fn(...args));
  else result = call.event ? fn(changeEvent(call.event)) : fn(...(call.args ?? []));
  result = result === undefined ? null : JSON.parse(JSON.stringify(result));
} catch (e) {
  error = String(e?.message ? e.message : e);
}
parentPort.postMessage({ type: 'done', result, error, state, record });
