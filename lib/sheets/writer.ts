/**
 * `FeedbackWriter` over the Sheets API: one `spreadsheets.batchUpdate` per write. With the tab handle from the last
 * read it needs no lookup; without one, or when the handle is stale (the official deleted or recreated the tab),
 * one metadata read finds the tab and the write is sent again.
 */
import { randomInt } from 'node:crypto';
import type { FeedbackCell, FeedbackTab, FeedbackWriter } from '../pipeline/ports';
import { batchUpdate, type GoogleClients } from './client';
import { SheetsRequestError } from './errors';
import { FEEDBACK_TAB } from './layout';
import { feedbackRequests } from './requests';

export class GoogleFeedbackWriter implements FeedbackWriter {
  constructor(
    private readonly clients: Pick<GoogleClients, 'sheets' | 'calls'>,
    /** Id for a new Feedback tab; random like Google's own, injectable for tests. */
    private readonly newTabId: () => number = () => randomInt(1, 2 ** 31 - 1),
  ) {}

  /** Replaces the Feedback tab's (or the tab `title`'s) content in one request; adds the tab when it is missing. */
  async writeFeedback(
    spreadsheetId: string,
    rows: readonly (readonly FeedbackCell[])[],
    tab?: FeedbackTab | null,
    title: string = FEEDBACK_TAB,
  ): Promise<FeedbackTab> {
    const known = tab === undefined ? await this.lookup(spreadsheetId, title) : tab;
    try {
      return await this.write(spreadsheetId, rows, known, title);
    } catch (e) {
      // 400 here means the handle was stale: the tab was deleted, or added since (a retried addSheet included).
      if (!(e instanceof SheetsRequestError) || e.detail.status !== 400) throw e;
      return this.write(spreadsheetId, rows, await this.lookup(spreadsheetId, title), title);
    }
  }

  private async write(
    spreadsheetId: string,
    rows: readonly (readonly FeedbackCell[])[],
    tab: FeedbackTab | null,
    title: string,
  ): Promise<FeedbackTab> {
    const { requests, tab: next } = feedbackRequests(rows, tab, this.newTabId(), title);
    await batchUpdate(this.clients, spreadsheetId, requests);
    return next;
  }

  /** Finds the Feedback tab by title (case-insensitively, as Sheets compares titles). */
  private async lookup(spreadsheetId: string, title: string): Promise<FeedbackTab | null> {
    const res = await this.clients.calls.call(
      { name: 'sheets.spreadsheets.get', kind: 'sheets.read', fileId: spreadsheetId },
      () =>
        this.clients.sheets.spreadsheets.get({
          spreadsheetId,
          fields: 'sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))',
        }),
    );
    for (const s of res.data.sheets ?? []) {
      const p = s.properties;
      if (p?.title?.toLowerCase() !== title.toLowerCase()) continue;
      return {
        tabId: p.sheetId ?? 0,
        rowCount: Math.max(1, p.gridProperties?.rowCount ?? 1),
        columnCount: Math.max(1, p.gridProperties?.columnCount ?? 1),
      };
    }
    return null;
  }
}
