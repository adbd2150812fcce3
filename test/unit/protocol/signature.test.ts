import { createHmac } from 'node:crypto';
import {
  deriveSheetKey,
  SIGNATURE_HEADER,
  signalBody,
  signalHeaders,
  signSignal,
  TIMESTAMP_HEADER,
  verifySignal,
} from '../../../lib/protocol/signature';

const master = 'master-secret-for-tests';
const sheetId = '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';
const now = 1_760_000_000_000;
const ts = Math.floor(now / 1000);

describe('deriveSheetKey', () => {
  it('is the hex HMAC-SHA256 of the spreadsheet id under the master secret', () => {
    const expected = createHmac('sha256', master).update(sheetId).digest('hex');
    expect(deriveSheetKey(master, sheetId)).toBe(expected);
  });

  it('gives different spreadsheets different keys', () => {
    expect(deriveSheetKey(master, 'a')).not.toBe(deriveSheetKey(master, 'b'));
  });
});

describe('signSignal', () => {
  it('signs timestamp "." body with the key, prefixed v1=', () => {
    const key = deriveSheetKey(master, sheetId);
    const body = signalBody(sheetId);
    const mac = createHmac('sha256', key).update(`${ts}.${body}`).digest('hex');
    expect(signSignal(key, ts, body)).toBe(`v1=${mac}`);
  });
});

describe('verifySignal', () => {
  const key = deriveSheetKey(master, sheetId);
  const body = signalBody(sheetId);

  it('accepts a fresh signal checked with the sheet key', () => {
    const result = verifySignal({ secret: { key }, headers: signalHeaders(key, ts, body), body, now });
    expect(result).toEqual({ ok: true, timestamp: ts });
  });

  it('accepts a fresh signal checked with the master secret and reports the spreadsheet', () => {
    const result = verifySignal({
      secret: { masterSecret: master },
      headers: signalHeaders(key, ts, body),
      body,
      now,
    });
    expect(result).toEqual({ ok: true, timestamp: ts, spreadsheetId: sheetId });
  });

  it('finds headers whatever their case', () => {
    const h = signalHeaders(key, ts, body);
    const headers = {
      'X-Zone-Eval-Timestamp': h[TIMESTAMP_HEADER],
      'X-Zone-Eval-Signature': h[SIGNATURE_HEADER],
    };
    expect(verifySignal({ secret: { key }, headers, body, now }).ok).toBe(true);
  });

  it('refuses a signal without headers', () => {
    const result = verifySignal({ secret: { key }, headers: {}, body, now });
    expect(result).toMatchObject({ ok: false, reason: 'missing-headers' });
  });

  it('refuses a timestamp that is not unix seconds', () => {
    const headers = { ...signalHeaders(key, ts, body), [TIMESTAMP_HEADER]: '2025-10-09T00:00:00Z' };
    expect(verifySignal({ secret: { key }, headers, body, now })).toMatchObject({
      ok: false,
      reason: 'bad-timestamp',
    });
  });

  it('refuses a replay older than the five-minute window', () => {
    const old = ts - 301;
    const result = verifySignal({ secret: { key }, headers: signalHeaders(key, old, body), body, now });
    expect(result).toMatchObject({ ok: false, reason: 'outside-window' });
  });

  it('accepts a signal at the edge of a custom window', () => {
    const old = ts - 60;
    const result = verifySignal({
      secret: { key },
      headers: signalHeaders(key, old, body),
      body,
      now,
      windowSeconds: 60,
    });
    expect(result.ok).toBe(true);
  });

  it('refuses a body changed after signing', () => {
    const headers = signalHeaders(key, ts, body);
    const forged = signalBody('another-sheet');
    expect(verifySignal({ secret: { key }, headers, body: forged, now })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it("refuses a signal signed with another sheet's key when checked against the master secret", () => {
    const otherKey = deriveSheetKey(master, 'another-sheet');
    const headers = signalHeaders(otherKey, ts, body);
    expect(verifySignal({ secret: { masterSecret: master }, headers, body, now })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a body without a spreadsheet id when the key must be derived', () => {
    const headers = signalHeaders(key, ts, 'not json');
    expect(verifySignal({ secret: { masterSecret: master }, headers, body: 'not json', now })).toMatchObject({
      ok: false,
      reason: 'bad-body',
    });
  });

  it('refuses a truncated signature without throwing', () => {
    const headers = { ...signalHeaders(key, ts, body), [SIGNATURE_HEADER]: 'v1=abc' };
    expect(verifySignal({ secret: { key }, headers, body, now })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });
});
