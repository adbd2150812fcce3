/**
 * Callers, access and quotas. References: Google Cloud API errors (401 UNAUTHENTICATED, 403 PERMISSION_DENIED
 * "The caller does not have permission"), Sheets API Usage limits (60 read and 60 write requests per minute per
 * user; 429 "Too many requests"; quotas refilled every minute), google.rpc.ErrorInfo.
 */
import { type Emulator, startEmulator } from '../../../lib/local/emulator';
import { ALICE, BOB, clientsFor, failure, noRetry } from './helpers';

describe('callers', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ quota: 'off' });
  });
  afterAll(() => emu.close());

  it('a request without a bearer token is 401 UNAUTHENTICATED with a WWW-Authenticate challenge', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const res = await fetch(`${emu.url}v4/spreadsheets/${spreadsheetId}/values/A1`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(await res.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
  });

  it('the bearer token names the caller: the creator owns the spreadsheet', async () => {
    const api = clientsFor(emu, BOB);
    const s = await api.sheets.spreadsheets.create({ requestBody: {} });
    const f = await api.drive.files.get({
      fileId: s.data.spreadsheetId!,
      fields: 'owners(emailAddress),ownedByMe',
    });
    expect(f.data).toEqual({ owners: [{ emailAddress: BOB }], ownedByMe: true });
  });

  it('anyone the file is not shared with gets 403 PERMISSION_DENIED from the Sheets API', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const f = await failure(
      clientsFor(emu, BOB).sheets.spreadsheets.values.get({ spreadsheetId, range: 'A1' }),
    );
    expect(f.status).toBe(403);
    expect(f.data).toEqual({
      error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' },
    });
  });

  it('an unknown path is 404 in Google error shape', async () => {
    const res = await fetch(`${emu.url}v4/nothing`, { headers: { authorization: `Bearer ${ALICE}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
  });
});

describe('quota (Sheets API: Usage limits)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ quota: { reads: 3, writes: 2, windowMs: 300 } });
  });
  afterAll(() => emu.close());

  it('past the per-user read quota answers 429 RESOURCE_EXHAUSTED with the ErrorInfo detail', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const api = clientsFor(emu, ALICE).sheets;
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) await api.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry);
    const f = await failure(api.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry));
    expect(f.status).toBe(429);
    expect(f.data.error).toMatchObject({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: expect.stringContaining(
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user'",
      ),
    });
    expect(f.data.error.details?.[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'RATE_LIMIT_EXCEEDED',
      metadata: { quota_limit: 'ReadRequestsPerMinutePerUser', service: 'sheets.googleapis.com' },
    });
  });

  it('counts each user separately', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    emu.share(spreadsheetId, BOB, 'reader');
    await new Promise((r) => setTimeout(r, 300));
    const alice = clientsFor(emu, ALICE).sheets;
    for (let i = 0; i < 3; i++) await alice.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry);
    await clientsFor(emu, BOB).sheets.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry);
  });

  it('counts reads and writes separately, writes against their own limit', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const api = clientsFor(emu, ALICE).sheets;
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) await api.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry);
    const write = () =>
      api.spreadsheets.values.update(
        { spreadsheetId, range: 'A1', valueInputOption: 'RAW', requestBody: { values: [[1]] } },
        noRetry,
      );
    await write();
    await write();
    const f = await failure(write());
    expect(f.data.error.message).toContain("'Write requests'");
  });

  it('refills when the window has passed', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const api = clientsFor(emu, ALICE).sheets;
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) await api.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry);
    await failure(api.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry));
    await new Promise((r) => setTimeout(r, 320));
    await api.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry);
  });

  it('a batchUpdate of many requests counts as one write ("each batch request ... is counted as one API request")', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const api = clientsFor(emu, ALICE).sheets;
    await new Promise((r) => setTimeout(r, 300));
    const requests = Array.from({ length: 5 }, (_, i) => ({ addSheet: { properties: { title: `S${i}` } } }));
    await api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } }, noRetry);
    await api.spreadsheets.values.update(
      { spreadsheetId, range: 'A1', valueInputOption: 'RAW', requestBody: { values: [[1]] } },
      noRetry,
    );
  });

  it('can be switched off for seeding', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const api = clientsFor(emu, ALICE).sheets;
    emu.setQuota('off');
    try {
      for (let i = 0; i < 10; i++) await api.spreadsheets.values.get({ spreadsheetId, range: 'A1' }, noRetry);
    } finally {
      emu.setQuota({ reads: 3, writes: 2, windowMs: 300 });
    }
  });

  it('Drive calls draw on no Sheets quota', async () => {
    const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
    const api = clientsFor(emu, ALICE).drive;
    for (let i = 0; i < 6; i++) await api.files.get({ fileId: spreadsheetId }, noRetry);
  });
});

describe('request counts', () => {
  it('counts requests per route, caller and spreadsheet, with sheets.* for all Sheets API calls', async () => {
    const emu = await startEmulator({ quota: 'off' });
    try {
      const { spreadsheetId } = emu.createSpreadsheetAs(ALICE);
      const api = clientsFor(emu, ALICE);
      await api.sheets.spreadsheets.values.get({ spreadsheetId, range: 'A1' });
      await api.sheets.spreadsheets.get({ spreadsheetId });
      await api.drive.files.list({});
      expect(emu.requestCount({ route: 'sheets.*' })).toBe(2);
      expect(emu.requestCount({ route: 'sheets.values.get', caller: ALICE, spreadsheetId })).toBe(1);
      expect(emu.requestCount({ route: 'drive.*' })).toBe(1);
      expect(emu.requestCount({ caller: BOB })).toBe(0);
      emu.resetRequests();
      expect(emu.requestCount()).toBe(0);
    } finally {
      await emu.close();
    }
  });
});
