/**
 * `zone-eval recompute [--zone ID]`: asks every zone's spreadsheet (or one zone's) to be read again and the
 * evaluation to be scored, through the same path as a signal: `requestSync` with caller `manual` (the sheet's
 * `requested` counter, then a message on the sync queue), then `requestEvaluation` and an evaluate message, so a
 * run follows even when no value changed.
 *
 * On AWS the messages go to the SQS queues and the Lambdas do the work. Locally (`--local`) no queue consumer
 * runs, so the command works its own messages off as the local runtime's consumers would: the sync stage for each
 * sheet, then the evaluate stage once (scoring and publishing the results spreadsheet).
 */

import { closest } from '../core/suggest';
import { evaluateRun } from '../pipeline/evaluate';
import { silentLogger } from '../pipeline/log';
import { SyncMessageSchema } from '../pipeline/messages';
import { sendEvaluate } from '../pipeline/send';
import { requestSync } from '../pipeline/signal';
import { syncSheet } from '../pipeline/sync';
import { GoogleResultsPublisher } from '../sheets/results-publisher';
import { parseOptions } from './args';
import { BACKEND_HELP, BACKEND_OPTIONS, backendChoice, HeldQueue, withBackend } from './backend';
import { UsageError } from './errors';

const HELP = `usage: zone-eval recompute [--zone ID] [--evaluation ID] [--local --data-dir DIR]

Reads every zone's spreadsheet again (or one zone's) and asks for a new run, as an edit's signal would
(caller 'manual').

options:
  --zone ID            only this zone's spreadsheet
${BACKEND_HELP}
  -h, --help           this help`;

const OPTIONS = { ...BACKEND_OPTIONS, zone: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const zone = args.values.zone;
  const choice = backendChoice(args.values);
  return withBackend(choice, async (b) => {
    const e = b.evaluationId;
    const sheets = (await b.store.listSheets(e)).filter((s) => s.zoneId !== null);
    const chosen = zone === undefined ? sheets : sheets.filter((s) => s.zoneId === zone);
    if (zone !== undefined && chosen.length === 0) {
      const near = closest(
        zone,
        sheets.map((s) => s.zoneId!),
      );
      throw new UsageError(
        `zone '${zone}' has no spreadsheet in evaluation '${e}'${near ? ` (did you mean ${near}?)` : ''}`,
      );
    }
    if (chosen.length === 0)
      throw new UsageError(`evaluation '${e}' has no zone spreadsheets yet: run zone-eval provision first`);
    for (const s of chosen)
      await requestSync(
        { store: b.store, queue: b.queue, log: silentLogger },
        { evaluationId: e, spreadsheetId: s.spreadsheetId, caller: 'manual', kind: 'zone' },
      );
    const requested = await b.store.requestEvaluation(e);
    await sendEvaluate(b.queue, { evaluationId: e, requested, caller: 'manual' });
    console.log(
      `asked ${chosen.length} spreadsheet${chosen.length === 1 ? '' : 's'} to sync and evaluation ${e} to run (request ${requested})`,
    );
    if (b.local && b.queue instanceof HeldQueue) {
      const stack = b.local;
      let read = 0;
      let refused = 0;
      for (const m of b.queue.messages.filter((x) => x.queue === 'sync')) {
        const msg = SyncMessageSchema.parse(JSON.parse(m.body));
        const out = await syncSheet(
          { evaluationId: msg.evaluationId, spreadsheetId: msg.spreadsheetId, caller: msg.caller },
          {
            store: b.store,
            reader: stack.reader,
            feedback: stack.feedback,
            files: stack.files,
            log: silentLogger,
          },
        );
        if (out.status === 'synced' || out.status === 'refused') read++;
        if (out.status === 'refused' || out.status === 'unreadable')
          console.log(
            `${msg.spreadsheetId}: ${out.status}${out.status === 'unreadable' ? ` (${out.reason})` : out.refusal ? ` (${out.refusal})` : ''}`,
          );
        if (out.status === 'refused') refused++;
      }
      const run = await evaluateRun(
        { evaluationId: e, caller: 'manual' },
        { store: b.store, publisher: new GoogleResultsPublisher(stack.google), log: silentLogger },
      );
      console.log(
        `local: read ${read} spreadsheet${read === 1 ? '' : 's'}${refused ? `, ${refused} refused as a whole` : ''}; evaluate ${run.status}${'run' in run ? `: run ${run.run}, ${run.publish}` : run.status === 'refused' ? `: ${run.reason}` : ''}`,
      );
    }
    return 0;
  });
}
