/**
 * zone-eval: the script bound to one submission spreadsheet (with Signal.js). An installable onChange trigger sends
 * the edit signal; the "zone-eval" menu offers "Recompute now". Configured once by `zoneEvalConfigure`, run as the
 * evaluation's bot account through the Apps Script API (scripts.run), which writes this spreadsheet's own key into
 * the Script Properties and installs the trigger as the bot.
 *
 * Script Properties of a bound script can be read by the spreadsheet's editors (they can open the script), which is
 * why it holds this spreadsheet's key only: with it they can ask for a re-read of their own sheet, nothing more.
 */

const ZONE_EVAL_PROPS = {
  url: 'ZONE_EVAL_WEBHOOK_URL',
  spreadsheet: 'ZONE_EVAL_SPREADSHEET_ID',
  key: 'ZONE_EVAL_SHEET_KEY',
};

/** The configuration, or null (with a log line naming what is missing) when the script was never configured. */
function zoneEvalConfig_() {
  const props = PropertiesService.getScriptProperties();
  const config = {
    url: props.getProperty(ZONE_EVAL_PROPS.url),
    spreadsheetId: props.getProperty(ZONE_EVAL_PROPS.spreadsheet),
    key: props.getProperty(ZONE_EVAL_PROPS.key),
  };
  if (!config.url || !config.spreadsheetId || !config.key) {
    Logger.log('zone-eval: not configured (run zoneEvalConfigure as the bot account); no signal sent');
    return null;
  }
  return config;
}

/**
 * The installable onChange trigger. A format-only change (changeType FORMAT) cannot change a value, so it sends
 * nothing; EDIT, row/column/sheet insertions and removals and OTHER each send one signal. The trigger never fires for
 * edits made through the Sheets API; the reconcile poll finds those.
 */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalOnChange(e) {
  if (e && e.changeType === 'FORMAT') {
    Logger.log('zone-eval: format-only change; no signal');
    return 0;
  }
  const config = zoneEvalConfig_();
  if (config === null) return 0;
  const spreadsheetId = e?.source ? e.source.getId() : SpreadsheetApp.getActiveSpreadsheet().getId();
  // A copy of the spreadsheet copies this script and its properties (not its triggers): its key is the original's.
  if (spreadsheetId !== config.spreadsheetId) {
    Logger.log('zone-eval: configured for %s, not %s; no signal', config.spreadsheetId, spreadsheetId);
    return 0;
  }
  return zoneEvalSend_(config.url, config.key, spreadsheetId, zoneEvalEditor_(e));
}

/** Simple trigger: the menu. It runs without authorization, so it only builds the menu. */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function onOpen() {
  SpreadsheetApp.getUi()
    .createMenu('zone-eval')
    .addItem('Recompute now / 立即重新计算', 'zoneEvalRecomputeNow')
    .addToUi();
}

/**
 * "Recompute now": the same signal, sent as the person who clicked (they authorize the script once). Useful after
 * an edit the trigger did not see, such as a value pasted by another script.
 */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalRecomputeNow() {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  const config = zoneEvalConfig_();
  let status = 0;
  if (config !== null && spreadsheet.getId() === config.spreadsheetId)
    status = zoneEvalSend_(config.url, config.key, config.spreadsheetId, Session.getActiveUser().getEmail());
  const ok = status >= 200 && status < 300;
  spreadsheet.toast(
    ok
      ? 'Recompute requested: the Feedback tab updates within a minute. / 已请求重新计算，反馈表将在一分钟内更新。'
      : `The request did not go through${status ? ` (${status})` : ''}; the system re-reads this sheet within minutes anyway. / 请求未成功，系统会在几分钟内自动重新读取本表。`,
    'zone-eval',
    10,
  );
  return status;
}

/**
 * The installer, run once as the bot account (scripts.run, or Run in the editor): stores the webhook URL and this
 * spreadsheet's key, and replaces the bot's onChange trigger by a fresh one, so running it again repairs and never
 * duplicates. Refuses a key for another spreadsheet and anything that is not a derived key.
 */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalConfigure(config) {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  if (!config || typeof config !== 'object')
    throw new Error('zoneEvalConfigure needs {webhookUrl, spreadsheetId, key}');
  const url = zoneEvalCheckUrl_(config.webhookUrl);
  const key = zoneEvalCheckKey_(config.spreadsheetId, config.key);
  if (config.spreadsheetId !== spreadsheet.getId())
    throw new Error(`this script is bound to ${spreadsheet.getId()}, not ${config.spreadsheetId}`);
  PropertiesService.getScriptProperties().setProperties(
    {
      [ZONE_EVAL_PROPS.url]: url,
      [ZONE_EVAL_PROPS.spreadsheet]: config.spreadsheetId,
      [ZONE_EVAL_PROPS.key]: key,
    },
    true,
  );
  // getProjectTriggers lists the caller's triggers only: a trigger another account installed stays, and fires as it.
  for (const trigger of ScriptApp.getProjectTriggers())
    if (trigger.getHandlerFunction() === 'zoneEvalOnChange') ScriptApp.deleteTrigger(trigger);
  const trigger = ScriptApp.newTrigger('zoneEvalOnChange').forSpreadsheet(spreadsheet).onChange().create();
  Logger.log('zone-eval: configured for %s (trigger %s)', config.spreadsheetId, trigger.getUniqueId());
  return { spreadsheetId: config.spreadsheetId, triggerId: trigger.getUniqueId() };
}
