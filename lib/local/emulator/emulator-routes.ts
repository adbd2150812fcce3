/**
 * Endpoints that exist only in the emulator: an edit made "as a person" (the local web page uses it; it fires the
 * simulated trigger, unlike API edits), switching a spreadsheet's trigger, request counts, and health.
 */
import * as z from 'zod';
import { callerDenied } from './errors';
import { path, type Route } from './http';
import { mutate, parseBody, protectionGuard } from './sheets-routes';
import type { Store } from './store';
import type { SignalRecord } from './trigger';
import { type UpdateValuesResponse, writeValues } from './values';

const cellValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Applies an edit as a person types it (USER_ENTERED), with Drive's version moving and protections applying. */
export function personEdit(
  store: Store,
  spreadsheetId: string,
  person: string,
  range: string,
  values: unknown[][],
): UpdateValuesResponse {
  const file = store.spreadsheetFor(spreadsheetId, person, 'write');
  const guard = protectionGuard(file, person);
  return mutate(store, file, person, (ss) =>
    writeValues(ss, file.id, range, values, { valueInputOption: 'USER_ENTERED', guard }),
  );
}

export type EditResult = UpdateValuesResponse & { signal?: SignalRecord };

export const emulatorRoutes: Route[] = [
  {
    name: 'emulator.edit',
    api: 'emulator',
    method: 'POST',
    pattern: path('/emulator/v1/spreadsheets/{spreadsheetId}/edit'),
    fileParam: 0,
    async handle(ctx): Promise<EditResult> {
      const body = await parseBody(
        ctx,
        z.strictObject({ range: z.string(), values: z.array(z.array(cellValue)) }),
      );
      const res: EditResult = personEdit(ctx.store, ctx.params[0]!, ctx.caller, body.range, body.values);
      const signal = await ctx.signal(ctx.params[0]!, ctx.caller);
      if (signal) res.signal = signal;
      return res;
    },
  },
  {
    name: 'emulator.trigger',
    api: 'emulator',
    method: 'PUT',
    pattern: path('/emulator/v1/spreadsheets/{spreadsheetId}/trigger'),
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(ctx, z.strictObject({ enabled: z.boolean() }));
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'write');
      // Installing a trigger is the owner's act in this project (the admin CLI provisions them).
      if (file.owner.toLowerCase() !== ctx.caller.toLowerCase()) throw callerDenied();
      file.trigger = body.enabled;
      ctx.store.changed();
      return { spreadsheetId: file.id, enabled: file.trigger, webhook: ctx.webhook() !== undefined };
    },
  },
  {
    name: 'emulator.requests',
    api: 'emulator',
    method: 'GET',
    pattern: path('/emulator/v1/requests'),
    anonymous: true,
    handle: (ctx) => ctx.requestSummary(),
  },
  {
    name: 'emulator.health',
    api: 'emulator',
    method: 'GET',
    pattern: path('/emulator/v1/health'),
    anonymous: true,
    handle: () => ({ ok: true }),
  },
];
