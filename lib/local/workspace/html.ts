/**
 * The workspace page's results as HTML, rendered by the page's own views (client/view.ts) with the escaping
 * backend: what the browser shows, checkable without a browser. A zone named `<script>alert(1)</script>` comes
 * out as `&lt;script&gt;alert(1)&lt;/script&gt;`, text, exactly as the page's text nodes hold it.
 */
import { htmlDom } from './client/dom';
import { resultsPage, zonePage } from './client/view';
import type { ResultsView } from './types';

/** The ranking (and, given a zone id, that zone's page) as the workspace page renders it, as escaped HTML. */
export function renderResultsHtml(view: ResultsView, zoneId?: string): string {
  const parts = [resultsPage(htmlDom, view).html];
  if (zoneId !== undefined) parts.push(zonePage(htmlDom, view, zoneId).html);
  return parts.join('\n');
}
