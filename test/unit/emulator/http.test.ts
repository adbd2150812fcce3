import { columnIndex, columnLetters } from '../../../lib/local/emulator/a1';
import { matchRoute, path, type Route, routeMatches } from '../../../lib/local/emulator/http';

const route = (name: string, method: string, template: string): Route => ({
  name,
  api: 'sheets',
  method,
  pattern: path(template),
  handle: () => undefined,
});

describe('route templates (discovery flatPath style)', () => {
  const routes = [
    route('sheets.spreadsheets.get', 'GET', '/v4/spreadsheets/{spreadsheetId}'),
    route('sheets.spreadsheets.batchUpdate', 'POST', '/v4/spreadsheets/{spreadsheetId}:batchUpdate'),
    route('sheets.values.append', 'POST', '/v4/spreadsheets/{spreadsheetId}/values/{+range}:append'),
    route('sheets.values.update', 'PUT', '/v4/spreadsheets/{spreadsheetId}/values/{+range}'),
  ];

  it('{name} stops at a colon, so a custom method (:batchUpdate) is not taken for part of the id', () => {
    expect(matchRoute(routes, 'POST', '/v4/spreadsheets/abc:batchUpdate')).toMatchObject({
      route: { name: 'sheets.spreadsheets.batchUpdate' },
      raw: ['abc'],
    });
    expect(matchRoute(routes, 'GET', '/v4/spreadsheets/abc:batchUpdate')).toBeUndefined();
  });

  it('{+name} keeps the colons of an A1 range, and the method must match', () => {
    expect(matchRoute(routes, 'POST', '/v4/spreadsheets/abc/values/Form!A1:B2:append')?.raw).toEqual([
      'abc',
      'Form!A1:B2',
    ]);
    expect(matchRoute(routes, 'PUT', '/v4/spreadsheets/abc/values/Form!A1:B2')?.raw).toEqual([
      'abc',
      'Form!A1:B2',
    ]);
    expect(matchRoute(routes, 'DELETE', '/v4/spreadsheets/abc')).toBeUndefined();
  });

  it('literal parts are matched literally (a dot is not any character)', () => {
    expect(path('/a.b/{x}').test('/a.b/1')).toBe(true);
    expect(path('/a.b/{x}').test('/aXb/1')).toBe(false);
  });
});

describe('route name filters', () => {
  it('match the name, a prefix ending in *, or everything with *', () => {
    expect(routeMatches('sheets.values.get', 'sheets.values.get')).toBe(true);
    expect(routeMatches('sheets.*', 'sheets.values.get')).toBe(true);
    expect(routeMatches('*', 'drive.files.list')).toBe(true);
    expect(routeMatches('sheets.*', 'drive.files.list')).toBe(false);
    expect(routeMatches('sheets.values', 'sheets.values.get')).toBe(false);
  });
});

describe('column letters', () => {
  it('are the inverse of column indexes: A, Z, AA, AZ, ZZ, AAA', () => {
    for (const [i, l] of [
      [0, 'A'],
      [25, 'Z'],
      [26, 'AA'],
      [51, 'AZ'],
      [701, 'ZZ'],
      [702, 'AAA'],
    ] as const) {
      expect(columnLetters(i)).toBe(l);
      expect(columnIndex(l)).toBe(i);
    }
  });
});
