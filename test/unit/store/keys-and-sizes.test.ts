import { itemBytes, valueBytes } from '../../../lib/store/item-size';
import { histPk, padSeq, revisionKey, runKey, seqFromSortKey } from '../../../lib/store/keys';

test('sequence numbers are zero-padded to ten digits so sort keys order numerically', () => {
  expect(runKey('2024', 42)).toEqual({ PK: 'EVAL#2024', SK: 'RUN#0000000042' });
  expect(revisionKey('2024', 'CN-HZ', 7)).toEqual({ PK: 'HIST#2024#CN-HZ', SK: 'REV#0000000007' });
  expect(['RUN#' + padSeq(10), 'RUN#' + padSeq(9)].sort()).toEqual(['RUN#0000000009', 'RUN#0000000010']);
  expect(seqFromSortKey('REV#0000000123', 'REV#')).toBe(123);
});

test('sequence numbers outside 1..9999999999 are refused', () => {
  expect(() => padSeq(0)).toThrow(/from 1 to 9999999999/);
  expect(() => padSeq(1.5)).toThrow();
  expect(() => padSeq(10_000_000_000)).toThrow();
});

test('an id containing # or an empty id cannot form a key', () => {
  expect(() => histPk('2024#x', 'z')).toThrow(/evaluation id "2024#x"/);
  expect(() => histPk('2024', '')).toThrow(/zone id ""/);
});

test('item size counts names and values as DynamoDB does', () => {
  expect(valueBytes('杭州')).toBe(6);
  expect(valueBytes(new Uint8Array(1000))).toBe(1000);
  expect(valueBytes(true)).toBe(1);
  expect(valueBytes(12345)).toBe(4);
  expect(itemBytes({ PK: 'EVAL#e', SK: 'STATE' })).toBe(2 + 6 + 2 + 5);
  expect(valueBytes({ a: 'xy' })).toBe(3 + 1 + 1 + 2);
  expect(valueBytes(['xy', null])).toBe(3 + 1 + 2 + 1 + 1);
});
