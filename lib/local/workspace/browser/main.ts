/**
 * The workspace page's script: fetches the API's data, renders it with the shared views (text nodes only), and
 * listens to the server's event stream to refetch what it shows whenever a run is published or a spreadsheet's
 * Drive version moves. Type-checked with its own tsconfig (DOM types), bundled by esbuild when the server starts.
 */
import { browserDom, type ElementLike } from '../client/dom';
import {
  feedbackCells,
  filesPage,
  grid,
  refusedList,
  resultsPage,
  statusText,
  zonePage,
} from '../client/view';
import type {
  ChangeEvent,
  EditAnswer,
  FilesView,
  ResultsView,
  SheetView,
  WorkspaceInfo,
  WorkspaceStatus,
} from '../types';

const d = browserDom(document);
const main = document.getElementById('main')!;
const statusEl = document.getElementById('status')!;
const select = document.getElementById('evaluation') as HTMLSelectElement;

type Route =
  | { page: 'results' }
  | { page: 'zone'; zoneId: string }
  | { page: 'sheets' }
  | { page: 'sheet'; spreadsheetId: string };

const state: {
  info: WorkspaceInfo | null;
  evaluation: string;
  results: ResultsView | null;
  files: FilesView | null;
  sheet: SheetView | null;
  tab: string | null;
  editing: string | null;
  as: string | null;
  message: { ok: boolean; text: string } | null;
  last: ChangeEvent | null;
  /** Scores before the latest refetch, to mark the rows that moved. */
  previousScores: Map<string, number | null>;
} = {
  info: null,
  evaluation: '',
  results: null,
  files: null,
  sheet: null,
  tab: null,
  editing: null,
  as: null,
  message: null,
  last: null,
  previousScores: new Map(),
};

function route(): Route {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'zone' && parts[1]) return { page: 'zone', zoneId: parts[1] };
  if (parts[0] === 'sheets') return { page: 'sheets' };
  if (parts[0] === 'sheet' && parts[1]) return { page: 'sheet', spreadsheetId: parts[1] };
  return { page: 'results' };
}

async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(path, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${(await r.text()).slice(0, 200)}`);
  return (await r.json()) as T;
}

const api = {
  results: () => getJson<ResultsView>(`/api/evaluations/${encodeURIComponent(state.evaluation)}/results`),
  files: () => getJson<FilesView>(`/api/evaluations/${encodeURIComponent(state.evaluation)}/files`),
  sheet: (id: string) => getJson<SheetView>(`/api/sheets/${encodeURIComponent(id)}`),
};

function mount(...nodes: ElementLike[]) {
  main.replaceChildren(...(nodes as unknown as Node[]));
}

function showStatus(s: WorkspaceStatus | undefined) {
  if (!s) return;
  statusEl.textContent = statusText(s);
  statusEl.classList.toggle('pending', s.requested > s.scored);
  statusEl.dataset.run = String(s.publishedRun ?? '');
}

/** Marks the ranking rows whose score moved with the latest run. */
function markChanged() {
  for (const z of state.results?.doc?.zones ?? []) {
    const before = state.previousScores.get(z.zoneId);
    if (before === undefined || before === z.score) continue;
    main.querySelector(`tr[data-zone="${CSS.escape(z.zoneId)}"]`)?.classList.add('changed');
  }
}

function sheetView(sheet: SheetView): ElementLike {
  const tab = sheet.tabs.find((t) => t.title === state.tab) ?? sheet.tabs[0];
  const editable = state.as !== null;
  const panes: ElementLike[] = [];
  const handlers = {
    onCell: (a1: string) => {
      state.editing = a1;
      render();
      const input = main.querySelector<HTMLInputElement>('td.editing input');
      input?.focus();
      input?.select();
    },
    onSubmit: (a1: string, text: string) => void submit(sheet, tab!.title, a1, text),
    onCancel: () => {
      state.editing = null;
      render();
    },
  };
  if (tab) {
    panes.push(
      d.h(
        'div',
        { class: 'pane' },
        d.h('h3', null, tab.title),
        grid(d, tab, { editing: state.editing, marks: feedbackCells(sheet, tab.title), editable }, handlers),
      ),
    );
    const feedback = sheet.tabs.find((t) => t.title === 'Feedback');
    if (feedback && feedback !== tab)
      panes.push(
        d.h(
          'div',
          { class: 'pane feedback' },
          d.h('h3', null, 'Feedback 反馈'),
          grid(d, feedback, { editing: null, marks: new Map(), editable: false }),
        ),
      );
  }
  return d.h(
    'section',
    { class: 'sheet', attrs: { 'data-sheet': sheet.spreadsheetId, 'data-version': sheet.version ?? '' } },
    d.h('h2', null, sheet.title),
    d.h(
      'div',
      { class: 'sheet-head' },
      d.h(
        'label',
        null,
        'Editing as 编辑身份 ',
        d.h(
          'select',
          {
            attrs: { id: 'as' },
            on: {
              change: (e) => {
                const v = (e.target as HTMLSelectElement).value;
                state.as = v === '' ? null : v;
                state.editing = null;
                render();
              },
            },
          },
          d.h('option', { attrs: { value: '', selected: state.as === null } }, 'nobody (read only)'),
          sheet.editors.map((x) => d.h('option', { attrs: { value: x, selected: state.as === x } }, x)),
        ),
      ),
      d.h(
        'span',
        { class: 'run' },
        `version ${sheet.version ?? '?'}${sheet.lastModifyingUser ? `, last edit by ${sheet.lastModifyingUser}` : ''}`,
      ),
    ),
    state.message
      ? d.h(
          'p',
          { class: `message ${state.message.ok ? 'ok' : 'error'}`, attrs: { role: 'alert' } },
          state.message.text,
        )
      : null,
    refusedList(d, sheet),
    d.h(
      'div',
      { class: 'tabs' },
      sheet.tabs.map((t) =>
        d.h(
          'button',
          {
            class: t === tab ? 'active' : undefined,
            on: {
              click: () => {
                state.tab = t.title;
                state.editing = null;
                render();
              },
            },
          },
          t.title,
        ),
      ),
    ),
    d.h('div', { class: 'panes' }, panes),
  );
}

async function submit(sheet: SheetView, tab: string, cell: string, value: string) {
  const as = state.as;
  if (!as) return;
  state.editing = null;
  const r = await fetch(`/api/sheets/${encodeURIComponent(sheet.spreadsheetId)}/edit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tab, cell, value, as }),
  });
  const answer = (await r.json()) as EditAnswer | { message: string };
  if ('ok' in answer && answer.ok) {
    const s = answer.signal;
    state.message = {
      ok: true,
      text: `${as} typed “${value}” into ${answer.updatedRange}. ${
        s === null
          ? 'No trigger is installed on this spreadsheet.'
          : s.status !== null
            ? `The trigger signalled the webhook (HTTP ${s.status}); the Feedback tab and the results follow after the sync.`
            : `The trigger's signal failed (${s.error}); the reconcile poll will catch the edit.`
      }`,
    };
  } else {
    state.message = { ok: false, text: `Refused: ${answer.message}` };
  }
  state.sheet = await api.sheet(sheet.spreadsheetId);
  render();
}

function render() {
  const r = route();
  for (const [id, page] of [
    ['nav-results', 'results'],
    ['nav-sheets', 'sheets'],
  ] as const)
    document.getElementById(id)?.classList.toggle('active', r.page === page);
  if (r.page === 'results' && state.results) {
    mount(resultsPage(d, state.results));
    markChanged();
  } else if (r.page === 'zone' && state.results) mount(zonePage(d, state.results, r.zoneId));
  else if (r.page === 'sheets' && state.files) mount(filesPage(d, state.files));
  else if (r.page === 'sheet' && state.sheet?.spreadsheetId === r.spreadsheetId)
    mount(sheetView(state.sheet));
  else main.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'Loading…' }));
}

/** Fetches what the current page shows, then renders it. */
async function load(force = false) {
  const r = route();
  try {
    if (r.page === 'results' || r.page === 'zone') {
      if (force || !state.results || state.results.status.evaluationId !== state.evaluation) {
        const next = await api.results();
        state.previousScores = new Map(
          (state.results?.status.evaluationId === state.evaluation
            ? (state.results.doc?.zones ?? [])
            : []
          ).map((z) => [z.zoneId, z.score]),
        );
        state.results = next;
      }
    } else if (r.page === 'sheets') {
      if (force || !state.files || state.files.evaluationId !== state.evaluation)
        state.files = await api.files();
    } else if (force || state.sheet?.spreadsheetId !== r.spreadsheetId) {
      const sheet = await api.sheet(r.spreadsheetId);
      if (state.sheet?.spreadsheetId !== sheet.spreadsheetId) {
        state.tab = sheet.tabs[0]?.title ?? null;
        state.as = sheet.editors.find((x) => x.startsWith('official@')) ?? sheet.editors[0] ?? null;
        state.message = null;
        state.editing = null;
      }
      state.sheet = sheet;
    }
  } catch (error) {
    main.replaceChildren(Object.assign(document.createElement('p'), { textContent: String(error) }));
    return;
  }
  // An edit in progress is not thrown away by a refresh.
  if (!(r.page === 'sheet' && state.editing !== null)) render();
}

function onChange(event: ChangeEvent) {
  const before = state.last;
  state.last = event;
  const now = event.evaluations[state.evaluation];
  showStatus(now);
  if (!before) return;
  const r = route();
  const was = before.evaluations[state.evaluation];
  if ((r.page === 'results' || r.page === 'zone') && was?.publishedRun !== now?.publishedRun) void load(true);
  if (r.page === 'sheet' && before.versions[r.spreadsheetId] !== event.versions[r.spreadsheetId])
    void load(true);
  if (r.page === 'sheets' && JSON.stringify(before.versions) !== JSON.stringify(event.versions))
    void load(true);
}

async function start() {
  state.info = await getJson<WorkspaceInfo>('/api/workspace');
  state.evaluation = state.info.defaultEvaluation;
  select.replaceChildren(
    ...state.info.evaluations.map((e) =>
      Object.assign(document.createElement('option'), {
        value: e.evaluationId,
        textContent: `${e.evaluationId} (${e.year})`,
        selected: e.evaluationId === state.evaluation,
      }),
    ),
  );
  select.addEventListener('change', () => {
    state.evaluation = select.value;
    showStatus(state.last?.evaluations[state.evaluation]);
    void load(true);
  });
  window.addEventListener('hashchange', () => void load());
  const events = new EventSource('/api/events');
  events.addEventListener('change', (e) =>
    onChange(JSON.parse((e as MessageEvent<string>).data) as ChangeEvent),
  );
  events.addEventListener('error', () => {
    statusEl.textContent = 'disconnected: is npm start still running?';
  });
  await load();
}

void start();
