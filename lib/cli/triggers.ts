/**
 * `zone-eval triggers --webhook URL --out DIR (--secret-file FILE | --secret-id ID) [--variant standalone|bound]`:
 * what the admin needs to install the Apps Script triggers by hand, as the evaluation's bot account. Standalone
 * (the default, recommended): few scripts, each holding up to 20 `forSpreadsheet` triggers, no menu in the sheets.
 * Bound: one script per spreadsheet, with the "Recompute now" menu officials click, at the price of one Apps Script
 * project per zone (50 made a day per user: 105 zones take three days) and a key its editors can read (their own
 * sheet's only). The Apps Script API refuses service
 * accounts, so this command calls no Google API for the scripts: it writes, per standalone script (at most 20
 * spreadsheets each, Apps Script's triggers per user per script), the code to push and the `scripts.run` parameters
 * of its installer, holding each spreadsheet's derived key (never the master secret) in a file only the admin can
 * read, and prints the steps. The bot then runs them with its own OAuth login (`clasp`), which the API accepts.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  boundConfigureRequest,
  planStandaloneScripts,
  projectFiles,
  standaloneConfigureRequest,
  TRIGGERS_PER_SCRIPT,
} from '../appscript/project';
import { methodologyInForce } from '../pipeline/methodology';
import { choiceOption, intOption, parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, withBackend } from './backend';
import { UsageError } from './errors';

const HELP = `usage: zone-eval triggers --webhook URL --out DIR (--secret-file FILE | --secret-id ID)
                          [--variant standalone|bound] [--per-script N] [--evaluation ID] [--local --data-dir DIR]

Writes what the evaluation's bot account needs to install the Apps Script triggers: each script's code, and its
installer's parameters with each spreadsheet's own key (derived from the master secret, which is never written).
Standalone (default): one script per 20 zone spreadsheets, no menu. Bound: one script per spreadsheet, with the
"Recompute now" menu (one Apps Script project per zone: 50 a day per user). The Apps Script API refuses service
accounts, so nothing is installed here: the steps printed are run as the bot account.

options:
  --webhook URL        the webhook's https URL (the Function URL of the stack's webhook)
  --out DIR            a new or empty directory; the key files in it are readable by you only
  --secret-file FILE   the trigger master secret, in a file (its first line)
  --secret-id ID       or its Secrets Manager id (zone-eval/<stage>/trigger-master-secret)
  --variant V          standalone (default) or bound (a script in each spreadsheet, with the menu)
  --per-script N       standalone: spreadsheets per script, 1 to ${TRIGGERS_PER_SCRIPT} (default ${TRIGGERS_PER_SCRIPT})
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = {
  ...BACKEND_OPTIONS,
  webhook: { type: 'string' },
  out: { type: 'string' },
  'secret-file': { type: 'string' },
  'secret-id': { type: 'string' },
  'per-script': { type: 'string' },
  variant: { type: 'string' },
} as const;

/** The key files' parameters as `clasp run --params` takes them: the installer's argument list. */
export const PARAMS_FILE = 'configure-params.json';

async function masterSecret(o: { 'secret-file'?: string; 'secret-id'?: string }): Promise<string> {
  if ((o['secret-file'] === undefined) === (o['secret-id'] === undefined))
    throw new UsageError(
      'give one of --secret-file FILE or --secret-id ID: the trigger master secret the keys are derived from',
    );
  let text: string;
  if (o['secret-file'] !== undefined) {
    try {
      text = readFileSync(o['secret-file'], 'utf8');
    } catch {
      throw new UsageError(`--secret-file ${o['secret-file']} cannot be read`);
    }
  } else {
    const { SecretsManagerClient, GetSecretValueCommand } =
      require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({});
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: o['secret-id'] }));
      if (out.SecretString === undefined) throw new UsageError(`secret ${o['secret-id']} has no text value`);
      text = out.SecretString;
    } finally {
      client.destroy();
    }
  }
  const secret = text.split(/\r?\n/)[0]!.trim();
  if (secret.length < 32)
    throw new UsageError(
      'the master secret is shorter than 32 characters: is it the right file or secret? (openssl rand -hex 32 makes one)',
    );
  return secret;
}

/** A directory for keys: new or empty (old keys are not mixed with new ones), readable by its owner only. */
function prepareOut(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new UsageError(
      `--out ${dir} is not empty: name a new directory (if the old one holds keys from an earlier run, delete it)`,
    );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

function steps(e: string, dir: string, scripts: number): string {
  const k = scripts === 1 ? '1' : `k (1 to ${scripts})`;
  return [
    `For script ${k}, signed in as the evaluation's bot account (a Google Workspace user; the Apps Script API refuses service accounts):`,
    '  1. clasp login                                  (clasp: npm i -g @google/clasp, once)',
    `  2. clasp create --type standalone --title "zone-eval ${e} triggers k" --rootDir ${join(dir, 'script-k', 'code')}`,
    `     clasp push                                   (from ${join(dir, 'script-k', 'code')}: code only, no key)`,
    "  3. in the script editor: Project Settings > Google Cloud project: the project of clasp's OAuth client;",
    '     Deploy > New deployment > API executable, who has access: only myself',
    `  4. clasp run zoneEvalConfigure --params "$(cat ${join(dir, 'script-k', PARAMS_FILE)})"`,
    "     (stores the webhook URL and the keys in the bot's User Properties and installs one trigger per spreadsheet)",
    `  5. delete ${join(dir, 'script-k', PARAMS_FILE)}; share the script file as viewer with the officials of the`,
    `     spreadsheets in ${join(dir, 'script-k', 'spreadsheets.txt')} (README: The Apps Script trigger; they see code, not keys)`,
    'Run it again after the zones change (a script drops the triggers of spreadsheets no longer listed) or after',
    'the master secret is rotated. Apps Script projects made: 50 a day per user.',
  ].join('\n');
}

function boundSteps(e: string, dir: string, sheets: number): string {
  return [
    `For each sheet-<zone> directory (${sheets}), signed in as the evaluation's bot account (a Google Workspace user, an editor of the spreadsheet; the Apps Script API refuses service accounts):`,
    '  1. clasp login                                  (clasp: npm i -g @google/clasp, once)',
    `  2. clasp create --type sheets --parentId "$(cut -f2 ${join(dir, 'sheet-<zone>', 'spreadsheet.txt')})" --title "zone-eval ${e}" --rootDir ${join(dir, 'sheet-<zone>', 'code')}`,
    `     clasp push                                   (from ${join(dir, 'sheet-<zone>', 'code')}: code only, no key)`,
    "  3. in the script editor: Project Settings > Google Cloud project: the project of clasp's OAuth client;",
    '     Deploy > New deployment > API executable, who has access: only myself',
    `  4. clasp run zoneEvalConfigure --params "$(cat ${join(dir, 'sheet-<zone>', PARAMS_FILE)})"`,
    "     (stores the webhook URL and this spreadsheet's key in the Script Properties and installs its onChange trigger)",
    `  5. delete ${join(dir, 'sheet-<zone>', PARAMS_FILE)}. Officials then find the menu zone-eval > Recompute now /`,
    '     立即重新计算 in their spreadsheet (each authorizes it once, the first time).',
    `Apps Script projects made: 50 a day per user, so ${sheets} bound scripts take ${Math.ceil(sheets / 50)} day${sheets > 50 ? 's' : ''}; the spreadsheets'`,
    "editors can open the script and read its key, which signs only their own sheet's re-reads. Run it again after",
    'the master secret is rotated.',
  ].join('\n');
}

/** Writes a project's code files for a variant into `dir`. */
function writeCode(dir: string, variant: 'standalone' | 'bound'): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of projectFiles(variant)) {
    const ext = f.file.type === 'JSON' ? 'json' : 'js';
    writeFileSync(join(dir, `${f.file.name}.${ext}`), f.file.source);
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const o = args.values;
  if (!o.webhook) throw new UsageError('option --webhook is required: the webhook’s https URL');
  let url: URL;
  try {
    url = new URL(o.webhook);
  } catch {
    throw new UsageError(`--webhook ${o.webhook} is not a URL`);
  }
  // The script's installer stores https URLs only: a signal must not travel in clear text.
  if (url.protocol !== 'https:')
    throw new UsageError(`--webhook must be an https URL, not ${url.protocol}//`);
  if (!o.out)
    throw new UsageError('option --out is required: a new directory for the scripts and their keys');
  const variant = choiceOption(o.variant, 'variant', ['standalone', 'bound']) ?? 'standalone';
  if (variant === 'bound' && o['per-script'] !== undefined)
    throw new UsageError(
      '--per-script is for standalone scripts: a bound script serves its own spreadsheet only',
    );
  const perScript =
    intOption(o['per-script'], 'per-script', { min: 1, max: TRIGGERS_PER_SCRIPT }) ?? TRIGGERS_PER_SCRIPT;
  const choice = backendChoice(o);
  const secret = await masterSecret(o);
  return withBackend(choice, async (b) => {
    const e = b.evaluationId;
    const method = await methodologyInForce(b.store, e);
    const zones = method.record.zones;
    const withSheet = zones.filter((z) => z.spreadsheetId);
    const without = zones.filter((z) => !z.spreadsheetId).map((z) => z.zoneId);
    if (withSheet.length === 0)
      throw new UsageError(`evaluation '${e}' has no zone spreadsheets yet: run zone-eval provision first`);
    const zoneOf = new Map(withSheet.map((z) => [z.spreadsheetId!, z.zoneId]));
    if (variant === 'bound') {
      prepareOut(o.out!);
      for (const z of withSheet) {
        const at = join(o.out!, `sheet-${z.zoneId}`);
        writeCode(join(at, 'code'), 'bound');
        const params = boundConfigureRequest(secret, url.href, z.spreadsheetId!).parameters;
        writeFileSync(join(at, PARAMS_FILE), `${JSON.stringify(params)}\n`, { mode: 0o600 });
        writeFileSync(join(at, 'spreadsheet.txt'), `${z.zoneId}\t${z.spreadsheetId}\n`);
      }
      console.log(
        `evaluation ${e}: ${withSheet.length} bound script${withSheet.length === 1 ? '' : 's'}, one per zone spreadsheet, with the Recompute now menu, written to ${o.out}`,
      );
      if (without.length) console.log(`no spreadsheet yet (provision first): ${without.join(', ')}`);
      console.log(
        `each sheet-<zone>/${PARAMS_FILE} holds that spreadsheet's own key (readable by you only; never the master secret)`,
      );
      console.log('');
      console.log(boundSteps(e, o.out!, withSheet.length));
      return 0;
    }
    const groups = planStandaloneScripts(
      withSheet.map((z) => z.spreadsheetId!),
      perScript,
    );
    prepareOut(o.out!);
    const plan: string[] = [];
    groups.forEach((ids, i) => {
      const at = join(o.out!, `script-${i + 1}`);
      writeCode(join(at, 'code'), 'standalone');
      const params = standaloneConfigureRequest(secret, url.href, ids).parameters;
      // Written with owner-only permissions from the start, not chmod-ed after: no moment when others can read it.
      writeFileSync(join(at, PARAMS_FILE), `${JSON.stringify(params)}\n`, { mode: 0o600 });
      writeFileSync(
        join(at, 'spreadsheets.txt'),
        `${ids.map((id) => `${zoneOf.get(id)}\t${id}`).join('\n')}\n`,
      );
      plan.push(
        `script-${i + 1}: ${ids.length} spreadsheets (${ids.map((id) => zoneOf.get(id)).join(', ')})`,
      );
    });
    console.log(
      `evaluation ${e}: ${withSheet.length} zone spreadsheets in ${groups.length} standalone script${groups.length === 1 ? '' : 's'} of at most ${perScript}, written to ${o.out}`,
    );
    for (const p of plan) console.log(`  ${p}`);
    if (without.length) console.log(`no spreadsheet yet (provision first): ${without.join(', ')}`);
    console.log(
      `each script-k/${PARAMS_FILE} holds its spreadsheets' own keys (readable by you only; never the master secret)`,
    );
    console.log('');
    console.log(steps(e, o.out!, groups.length));
    return 0;
  });
}
