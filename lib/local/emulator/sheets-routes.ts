/** The Sheets v4 REST surface: spreadsheets.create/get/batchUpdate and spreadsheets.values.*. */
import * as z from 'zod';
import { batchUpdate } from './batch-update';
import type { RenderOption } from './cells';
import { ApiError, invalid, storageQuotaExceeded } from './errors';
import { cloneSpreadsheet } from './grid';
import { boolParam, type Ctx, enumParam, path, type Route } from './http';
import {
  DEFAULT_COLUMNS,
  DEFAULT_ROWS,
  type DriveFile,
  type Sheet,
  SPREADSHEET_MIME,
  type Spreadsheet,
} from './model';
import { spreadsheetResource } from './render';
import { newSheet, newSheetId, type Store } from './store';
import {
  appendValues,
  clearValues,
  type Dimension,
  type Guard,
  type InputOption,
  readValues,
  type ValueRange,
  writeValues,
} from './values';

const RENDER = ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'] as const;
const DIMENSION = ['ROWS', 'COLUMNS'] as const;
const INPUT = ['RAW', 'USER_ENTERED'] as const;
const API = 'google.apps.sheets.v4';

const cellValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const valueRange = z.strictObject({
  range: z.string().optional(),
  majorDimension: z.enum(DIMENSION).optional(),
  values: z.array(z.array(cellValue)).optional(),
});

// Strict at the top, as Google refuses unknown names ("Invalid JSON payload received. Unknown name").
const createBody = z.strictObject({
  spreadsheetId: z.string().optional(),
  spreadsheetUrl: z.string().optional(),
  namedRanges: z.array(z.unknown()).optional(),
  developerMetadata: z.array(z.unknown()).optional(),
  dataSources: z.array(z.unknown()).optional(),
  dataSourceSchedules: z.array(z.unknown()).optional(),
  properties: z
    .looseObject({
      title: z.string().optional(),
      locale: z.string().optional(),
      timeZone: z.string().optional(),
    })
    .optional(),
  sheets: z
    .array(
      z.looseObject({
        properties: z
          .looseObject({
            sheetId: z.number().int().min(0).optional(),
            title: z.string().min(1).optional(),
            gridProperties: z
              .looseObject({
                rowCount: z.number().int().min(1).optional(),
                columnCount: z.number().int().min(1).optional(),
              })
              .optional(),
          })
          .optional(),
      }),
    )
    .optional(),
});

export async function parseBody<T extends z.ZodType>(ctx: Ctx, schema: T): Promise<z.infer<T>> {
  const raw = await ctx.body();
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at '${issue.path.join('.')}'` : '';
    if (issue?.code === 'unrecognized_keys') {
      throw invalid(
        `Invalid JSON payload received. Unknown name "${issue.keys[0]}"${where}: Cannot find field.`,
      );
    }
    throw invalid(`Invalid JSON payload received${where}: ${issue?.message}`);
  }
  return parsed.data;
}

function inputOption(ctx: Ctx, given?: string): InputOption {
  const v = given ?? enumParam(ctx.query, 'valueInputOption', INPUT, API);
  // Sheets refuses a write without valueInputOption rather than guessing (Sheets API: ValueInputOption).
  if (!v) throw invalid('Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED');
  if (!(INPUT as readonly string[]).includes(v)) throw invalid(`Invalid valueInputOption: ${v}`);
  return v as InputOption;
}

/** Builds a new spreadsheet: one sheet "Sheet1" of 1000 x 26 unless the request names its sheets. */
export function buildSpreadsheet(init: z.infer<typeof createBody>): Spreadsheet {
  const ss: Spreadsheet = {
    properties: {
      title: init.properties?.title ?? 'Untitled spreadsheet',
      locale: init.properties?.locale ?? 'en_US',
      timeZone: init.properties?.timeZone ?? 'Etc/GMT',
      autoRecalc: 'ON_CHANGE',
    },
    sheets: [],
    nextObjectId: 1_000_000_001,
  };
  const specs = init.sheets?.length ? init.sheets : [{}];
  specs.forEach((spec, i) => {
    const p = spec.properties ?? {};
    const title = p.title ?? `Sheet${i + 1}`;
    if (ss.sheets.some((s) => s.properties.title.toLowerCase() === title.toLowerCase())) {
      throw invalid(`A sheet with the name "${title}" already exists. Please enter another name.`);
    }
    ss.sheets.push(
      newSheet({
        sheetId: p.sheetId ?? (i === 0 ? 0 : newSheetId(ss)),
        title,
        index: i,
        gridProperties: {
          rowCount: p.gridProperties?.rowCount ?? DEFAULT_ROWS,
          columnCount: p.gridProperties?.columnCount ?? DEFAULT_COLUMNS,
        },
      }),
    );
  });
  return ss;
}

/** Refuses a write touching a protected range unless the caller is one of its editors (or the owner). */
export function protectionGuard(file: DriveFile, caller: string): Guard {
  return (sheet: Sheet, rect) => {
    if (caller.toLowerCase() === file.owner.toLowerCase()) return;
    for (const pr of sheet.protectedRanges) {
      if (pr['warningOnly'] === true) continue;
      const users = ((pr['editors'] as { users?: string[] } | undefined)?.users ?? []).map((u) =>
        u.toLowerCase(),
      );
      if (users.includes(caller.toLowerCase())) continue;
      const r = (pr['range'] ?? {}) as Record<string, number | undefined>;
      const g = sheet.properties.gridProperties;
      const overlaps =
        rect.startRow < (r['endRowIndex'] ?? g.rowCount) &&
        (r['startRowIndex'] ?? 0) < rect.endRow &&
        rect.startCol < (r['endColumnIndex'] ?? g.columnCount) &&
        (r['startColumnIndex'] ?? 0) < rect.endCol;
      if (overlaps) {
        throw new ApiError(
          403,
          'PERMISSION_DENIED',
          'You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.',
        );
      }
    }
  };
}

/** Runs a change on a copy and commits it with a new Drive version only when it succeeds. */
export function mutate<T>(
  store: Store,
  file: DriveFile & { spreadsheet: Spreadsheet },
  caller: string,
  fn: (ss: Spreadsheet) => T,
): T {
  const next = cloneSpreadsheet(file.spreadsheet);
  const out = fn(next);
  file.spreadsheet = next;
  store.touch(file, caller);
  return out;
}

export const sheetsRoutes: Route[] = [
  {
    name: 'sheets.spreadsheets.create',
    api: 'sheets',
    response: 'Spreadsheet',
    method: 'POST',
    pattern: path('/v4/spreadsheets'),
    quota: 'write',
    async handle(ctx) {
      const body = await parseBody(ctx, createBody);
      // The new file lands in the caller's My Drive, which a service account does not have: spreadsheets.create
      // cannot name a shared drive, so a service account creates spreadsheets with Drive's files.create instead.
      if (!ctx.hasDriveStorage(ctx.caller)) throw storageQuotaExceeded();
      const ss = buildSpreadsheet(body);
      const file = ctx.store.create(ctx.caller, {
        name: ss.properties.title,
        mimeType: SPREADSHEET_MIME,
        spreadsheet: ss,
      });
      return spreadsheetResource(file.id, ss, {});
    },
  },
  {
    name: 'sheets.spreadsheets.get',
    api: 'sheets',
    response: 'Spreadsheet',
    method: 'GET',
    pattern: path('/v4/spreadsheets/{spreadsheetId}'),
    quota: 'read',
    fileParam: 0,
    handle(ctx) {
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'read');
      return spreadsheetResource(file.id, file.spreadsheet, {
        ranges: ctx.query.getAll('ranges'),
        includeGridData: boolParam(ctx.query, 'includeGridData'),
        mask: ctx.mask,
      });
    },
  },
  {
    name: 'sheets.spreadsheets.batchUpdate',
    api: 'sheets',
    response: 'BatchUpdateSpreadsheetResponse',
    method: 'POST',
    pattern: path('/v4/spreadsheets/{spreadsheetId}:batchUpdate'),
    quota: 'write',
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(
        ctx,
        z.strictObject({
          requests: z.array(z.unknown()).optional(),
          includeSpreadsheetInResponse: z.boolean().optional(),
          responseRanges: z.array(z.string()).optional(),
          responseIncludeGridData: z.boolean().optional(),
        }),
      );
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'write');
      const requests = body.requests ?? [];
      if (requests.length === 0) throw invalid('Must specify at least one request.');
      let title: string | undefined;
      const { next, replies } = batchUpdate(file.spreadsheet, requests, {
        caller: ctx.caller,
        owner: file.owner,
        setTitle: (t) => (title = t),
      });
      file.spreadsheet = next;
      if (title !== undefined) file.name = title;
      ctx.store.touch(file, ctx.caller);
      const out: Record<string, unknown> = { spreadsheetId: file.id, replies };
      if (body.includeSpreadsheetInResponse) {
        out['updatedSpreadsheet'] = spreadsheetResource(file.id, next, {
          ranges: body.responseRanges ?? [],
          includeGridData: body.responseIncludeGridData === true,
        });
      }
      return out;
    },
  },
  {
    name: 'sheets.values.batchGet',
    api: 'sheets',
    response: 'BatchGetValuesResponse',
    method: 'GET',
    pattern: path('/v4/spreadsheets/{spreadsheetId}/values:batchGet'),
    quota: 'read',
    fileParam: 0,
    handle(ctx) {
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'read');
      const opts = readOpts(ctx);
      const ranges = ctx.query.getAll('ranges');
      // Proto3 JSON leaves out an empty repeated field: no ranges, no valueRanges.
      if (ranges.length === 0) return { spreadsheetId: file.id };
      return {
        spreadsheetId: file.id,
        valueRanges: ranges.map((r) => readValues(file.spreadsheet, r, opts)),
      };
    },
  },
  {
    name: 'sheets.values.batchUpdate',
    api: 'sheets',
    response: 'BatchUpdateValuesResponse',
    method: 'POST',
    pattern: path('/v4/spreadsheets/{spreadsheetId}/values:batchUpdate'),
    quota: 'write',
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(
        ctx,
        z.strictObject({
          valueInputOption: z.string().optional(),
          data: z.array(valueRange).optional(),
          includeValuesInResponse: z.boolean().optional(),
          responseValueRenderOption: z.enum(RENDER).optional(),
          responseDateTimeRenderOption: z.string().optional(),
        }),
      );
      const option = inputOption(ctx, body.valueInputOption ?? '');
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'write');
      const guard = protectionGuard(file, ctx.caller);
      const data = body.data ?? [];
      const responses = mutate(ctx.store, file, ctx.caller, (ss) =>
        data.map((vr, i) => {
          if (!vr.range) throw invalid(`Invalid data[${i}]: range is required`);
          const res = writeValues(ss, file.id, vr.range, vr.values ?? [], {
            valueInputOption: option,
            guard,
            ...(vr.majorDimension ? { majorDimension: vr.majorDimension } : {}),
          });
          if (body.includeValuesInResponse)
            res.updatedData = readValues(ss, res.updatedRange, {
              valueRenderOption: body.responseValueRenderOption ?? 'FORMATTED_VALUE',
            });
          return res;
        }),
      );
      const sum = (k: 'updatedRows' | 'updatedColumns' | 'updatedCells') =>
        responses.reduce((s, r) => s + (r[k] ?? 0), 0);
      const out: Record<string, unknown> = { spreadsheetId: file.id };
      if (responses.length) {
        out['totalUpdatedRows'] = sum('updatedRows');
        out['totalUpdatedColumns'] = sum('updatedColumns');
        out['totalUpdatedCells'] = sum('updatedCells');
        out['totalUpdatedSheets'] = new Set(
          responses.filter((r) => r.updatedCells).map((r) => r.updatedRange.split('!')[0]),
        ).size;
        out['responses'] = responses;
      }
      return out;
    },
  },
  {
    name: 'sheets.values.batchClear',
    api: 'sheets',
    response: 'BatchClearValuesResponse',
    method: 'POST',
    pattern: path('/v4/spreadsheets/{spreadsheetId}/values:batchClear'),
    quota: 'write',
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(ctx, z.strictObject({ ranges: z.array(z.string()).optional() }));
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'write');
      const guard = protectionGuard(file, ctx.caller);
      const clearedRanges = mutate(ctx.store, file, ctx.caller, (ss) =>
        (body.ranges ?? []).map((r) => clearValues(ss, r, guard)),
      );
      return { spreadsheetId: file.id, clearedRanges };
    },
  },
  {
    name: 'sheets.values.append',
    api: 'sheets',
    response: 'AppendValuesResponse',
    method: 'POST',
    pattern: path('/v4/spreadsheets/{spreadsheetId}/values/{+range}:append'),
    quota: 'write',
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(ctx, valueRange);
      const option = inputOption(ctx);
      const insert = enumParam(ctx.query, 'insertDataOption', ['OVERWRITE', 'INSERT_ROWS'] as const, API);
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'write');
      const range = ctx.params[1]!;
      const guard = protectionGuard(file, ctx.caller);
      const res = mutate(ctx.store, file, ctx.caller, (ss) => {
        const r = appendValues(ss, file.id, range, body.values ?? [], {
          valueInputOption: option,
          guard,
          ...(body.majorDimension ? { majorDimension: body.majorDimension } : {}),
          ...(insert ? { insertDataOption: insert } : {}),
        });
        if (boolParam(ctx.query, 'includeValuesInResponse')) {
          r.updates.updatedData = readValues(ss, r.updates.updatedRange, {
            valueRenderOption: responseRender(ctx),
          });
        }
        return r;
      });
      return { spreadsheetId: file.id, ...res };
    },
  },
  {
    name: 'sheets.values.clear',
    api: 'sheets',
    response: 'ClearValuesResponse',
    method: 'POST',
    pattern: path('/v4/spreadsheets/{spreadsheetId}/values/{+range}:clear'),
    quota: 'write',
    fileParam: 0,
    async handle(ctx) {
      await parseBody(ctx, z.strictObject({}));
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'write');
      const guard = protectionGuard(file, ctx.caller);
      const clearedRange = mutate(ctx.store, file, ctx.caller, (ss) =>
        clearValues(ss, ctx.params[1]!, guard),
      );
      return { spreadsheetId: file.id, clearedRange };
    },
  },
  {
    name: 'sheets.values.get',
    api: 'sheets',
    response: 'ValueRange',
    method: 'GET',
    pattern: path('/v4/spreadsheets/{spreadsheetId}/values/{+range}'),
    quota: 'read',
    fileParam: 0,
    handle(ctx) {
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'read');
      return readValues(file.spreadsheet, ctx.params[1]!, readOpts(ctx));
    },
  },
  {
    name: 'sheets.values.update',
    api: 'sheets',
    response: 'UpdateValuesResponse',
    method: 'PUT',
    pattern: path('/v4/spreadsheets/{spreadsheetId}/values/{+range}'),
    quota: 'write',
    fileParam: 0,
    async handle(ctx) {
      const body = await parseBody(ctx, valueRange);
      const option = inputOption(ctx);
      const file = ctx.store.spreadsheetFor(ctx.params[0]!, ctx.caller, 'write');
      const range = ctx.params[1]!;
      if (body.range !== undefined && body.range !== range) {
        throw invalid(
          `Requested writing within range [${range}], but the request body names range [${body.range}]`,
        );
      }
      const guard = protectionGuard(file, ctx.caller);
      return mutate(ctx.store, file, ctx.caller, (ss) => {
        const res = writeValues(ss, file.id, range, body.values ?? [], {
          valueInputOption: option,
          guard,
          ...(body.majorDimension ? { majorDimension: body.majorDimension } : {}),
        });
        if (boolParam(ctx.query, 'includeValuesInResponse')) {
          res.updatedData = readValues(ss, res.updatedRange, { valueRenderOption: responseRender(ctx) });
        }
        return res;
      });
    },
  },
];

function readOpts(ctx: Ctx): { majorDimension?: Dimension; valueRenderOption?: RenderOption } {
  const out: { majorDimension?: Dimension; valueRenderOption?: RenderOption } = {};
  const major = enumParam(ctx.query, 'majorDimension', DIMENSION, API);
  const render = enumParam(ctx.query, 'valueRenderOption', RENDER, API);
  if (major) out.majorDimension = major;
  if (render) out.valueRenderOption = render;
  return out;
}

function responseRender(ctx: Ctx): RenderOption {
  return enumParam(ctx.query, 'responseValueRenderOption', RENDER, API) ?? 'FORMATTED_VALUE';
}

export type { ValueRange };
