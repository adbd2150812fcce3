/**
 * The Apps Script projects as the admin CLI uploads and configures them through the Apps Script API, as the bot
 * account (the API refuses service accounts): `projects.updateContent` with `projectContent(variant)` puts the code
 * and manifest in place; `scripts.run` with `configureRequest(...)` runs the script's installer, which stores the
 * webhook URL and the per-spreadsheet keys (derived here, never the master secret) and installs the triggers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSheetKey } from '../protocol/signature';

export type ScriptVariant = 'bound' | 'standalone';

/** One file of `projects.updateContent`'s `Content.files`. */
export type ScriptFile = { name: string; type: 'SERVER_JS' | 'JSON'; source: string };

/** Apps Script allows 20 triggers per user per script; a standalone script holds one per spreadsheet. */
export const TRIGGERS_PER_SCRIPT = 20;

/** The files of a project, in the order Apps Script loads them (Signal.js first: Code.js uses its functions). */
export function projectFiles(variant: ScriptVariant): { path: string; file: ScriptFile }[] {
  const at = (...parts: string[]) => join(__dirname, ...parts);
  const read = (path: string) => readFileSync(path, 'utf8');
  return [
    { path: at('Signal.js'), file: { name: 'Signal', type: 'SERVER_JS', source: read(at('Signal.js')) } },
    {
      path: at(variant, 'Code.js'),
      file: { name: 'Code', type: 'SERVER_JS', source: read(at(variant, 'Code.js')) },
    },
    {
      path: at(variant, 'appsscript.json'),
      file: { name: 'appsscript', type: 'JSON', source: read(at(variant, 'appsscript.json')) },
    },
  ];
}

/** The body of `projects.updateContent` for a variant. */
export function projectContent(variant: ScriptVariant): { files: ScriptFile[] } {
  return { files: projectFiles(variant).map((f) => f.file) };
}

/** The spreadsheets split into standalone scripts of at most `perScript` triggers each, in the order given. */
export function planStandaloneScripts(spreadsheetIds: readonly string[], perScript = TRIGGERS_PER_SCRIPT) {
  if (!Number.isInteger(perScript) || perScript < 1 || perScript > TRIGGERS_PER_SCRIPT)
    throw new RangeError(
      `perScript must be a whole number from 1 to ${TRIGGERS_PER_SCRIPT}, not ${perScript}`,
    );
  const groups: string[][] = [];
  for (let i = 0; i < spreadsheetIds.length; i += perScript)
    groups.push(spreadsheetIds.slice(i, i + perScript));
  return groups;
}

/** The `scripts.run` request that configures a bound script for its spreadsheet. */
export function boundConfigureRequest(masterSecret: string, webhookUrl: string, spreadsheetId: string) {
  return {
    function: 'zoneEvalConfigure',
    parameters: [{ webhookUrl, spreadsheetId, key: deriveSheetKey(masterSecret, spreadsheetId) }],
  };
}

/** The `scripts.run` request that configures a standalone script for its group of spreadsheets. */
export function standaloneConfigureRequest(
  masterSecret: string,
  webhookUrl: string,
  spreadsheetIds: string[],
) {
  if (spreadsheetIds.length > TRIGGERS_PER_SCRIPT)
    throw new RangeError(
      `${spreadsheetIds.length} spreadsheets for one script; at most ${TRIGGERS_PER_SCRIPT} (planStandaloneScripts)`,
    );
  const keys = Object.fromEntries(spreadsheetIds.map((id) => [id, deriveSheetKey(masterSecret, id)]));
  return { function: 'zoneEvalConfigure', parameters: [{ webhookUrl, keys }] };
}
