/**
 * `ResultsPublisher` over the Sheets API: one `spreadsheets.batchUpdate` per publish.
 *
 * Requests per publish: once the spreadsheet has been published (`layoutKnown`), the batch assumes every tab and
 * the chart exist and only updates them: 1 request. Sheets applies a batch atomically, so a sheet a person
 * changed (a tab deleted, the chart deleted, a person's tab holding one of our titles) makes it refuse the whole
 * batch with 400 and change nothing; the publisher then reads the structure (tab properties and chart ids only,
 * by a field mask) and sends a batch that adds what is missing and moves clashing titles aside: 3 requests, once.
 * A renamed tab needs no repair round: its id is fixed, and the batch sets its title back. Before the first
 * publish the structure is read first: 2 requests. After the write, Drive's `files.get` gives the new version, so
 * that the reconcile poll can tell the system's own write from a person's edit.
 */

import { isSpreadsheetUnavailable, type PublishOutcome, type ResultsPublisher } from '../pipeline/ports';
import type { ResultsDoc } from '../pipeline/results';
import { batchUpdate, type GoogleClients } from './client';
import { SheetsRequestError } from './errors';
import { resultsRequests, type SheetStructure, STRUCTURE_FIELDS, structureOf } from './results';

export class GoogleResultsPublisher implements ResultsPublisher {
  constructor(private readonly clients: Pick<GoogleClients, 'sheets' | 'drive' | 'calls'>) {}

  async publish(
    spreadsheetId: string,
    doc: ResultsDoc,
    options: { layoutKnown?: boolean } = {},
  ): Promise<PublishOutcome> {
    try {
      let requests = 0;
      let repaired = false;
      let structure: SheetStructure | null = null;
      if (!options.layoutKnown) {
        structure = await this.structure(spreadsheetId);
        requests++;
      }
      try {
        requests++;
        await this.batch(spreadsheetId, doc, structure);
      } catch (e) {
        // A refusal of a batch built on a read structure is our bug, not a person's change: let it surface.
        if (!(e instanceof SheetsRequestError) || e.detail.status !== 400 || structure !== null) throw e;
        structure = await this.structure(spreadsheetId);
        await this.batch(spreadsheetId, doc, structure);
        requests += 2;
        repaired = true;
      }
      return { status: 'published', requests, repaired, driveVersion: await this.version(spreadsheetId) };
    } catch (e) {
      if (isSpreadsheetUnavailable(e)) return { status: 'unavailable', reason: e.message };
      throw e;
    }
  }

  private async batch(spreadsheetId: string, doc: ResultsDoc, structure: SheetStructure | null) {
    const requests = resultsRequests(doc, structure);
    await batchUpdate(this.clients, spreadsheetId, requests);
  }

  private async structure(spreadsheetId: string): Promise<SheetStructure> {
    const res = await this.clients.calls.call(
      { name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: spreadsheetId },
      () => this.clients.sheets.spreadsheets.get({ spreadsheetId, fields: STRUCTURE_FIELDS }),
    );
    return structureOf(res.data);
  }

  /** Drive's version of the spreadsheet after our write, or null when Drive does not say. */
  private async version(fileId: string): Promise<string | null> {
    const res = await this.clients.calls.call({ name: 'drive.files.get', kind: 'drive', fileId }, () =>
      this.clients.drive.files.get({ fileId, fields: 'version', supportsAllDrives: true }),
    );
    return res.data.version ?? null;
  }
}
