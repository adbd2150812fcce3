import {
  boundConfigureRequest,
  planStandaloneScripts,
  projectContent,
  standaloneConfigureRequest,
} from '../../../lib/appscript/project';
import { deriveSheetKey } from '../../../lib/protocol/signature';

const MASTER = 'unit-master-secret';

it('plans 105 spreadsheets as 6 standalone scripts of at most 20 triggers, in order', () => {
  const ids = Array.from({ length: 105 }, (_, i) => `sheet${i}`);
  const groups = planStandaloneScripts(ids);
  expect(groups.map((g) => g.length)).toEqual([20, 20, 20, 20, 20, 5]);
  expect(groups.flat()).toEqual(ids);
  expect(() => planStandaloneScripts(ids, 21)).toThrow(
    'perScript must be a whole number from 1 to 20, not 21',
  );
});

it('uploads Signal.js before Code.js and a manifest with only the narrow scopes, for both variants', () => {
  for (const variant of ['bound', 'standalone'] as const) {
    const { files } = projectContent(variant);
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['Signal', 'SERVER_JS'],
      ['Code', 'SERVER_JS'],
      ['appsscript', 'JSON'],
    ]);
    const manifest = JSON.parse(files[2]!.source) as { runtimeVersion: string; oauthScopes: string[] };
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.oauthScopes).toEqual([
      'https://www.googleapis.com/auth/script.external_request',
      variant === 'bound'
        ? 'https://www.googleapis.com/auth/spreadsheets.currentonly'
        : 'https://www.googleapis.com/auth/spreadsheets.readonly',
      'https://www.googleapis.com/auth/script.scriptapp',
      'https://www.googleapis.com/auth/userinfo.email',
    ]);
  }
});

it('configures scripts with derived keys, never the master secret', () => {
  const bound = boundConfigureRequest(MASTER, 'https://hook.example.com/', 'sheetA');
  expect(bound).toEqual({
    function: 'zoneEvalConfigure',
    parameters: [
      {
        webhookUrl: 'https://hook.example.com/',
        spreadsheetId: 'sheetA',
        key: deriveSheetKey(MASTER, 'sheetA'),
      },
    ],
  });
  const standalone = standaloneConfigureRequest(MASTER, 'https://hook.example.com/', ['a', 'b']);
  expect(standalone.parameters[0]!.keys).toEqual({
    a: deriveSheetKey(MASTER, 'a'),
    b: deriveSheetKey(MASTER, 'b'),
  });
  expect(JSON.stringify([bound, standalone])).not.toContain(MASTER);
  const many = Array.from({ length: 21 }, (_, i) => `s${i}`);
  expect(() => standaloneConfigureRequest(MASTER, 'https://hook.example.com/', many)).toThrow('at most 20');
});
