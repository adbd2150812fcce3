/**
 * zone-eval: a standalone script owned by the evaluation's bot account (with Signal.js), holding one onChange trigger
 * per spreadsheet (`forSpreadsheet(id)`), at most 20: Apps Script allows 20 triggers per user per script, so 105
 * spreadsheets take 6 such scripts. Officials never see this project's code or keys, and no script is bound to
 * their spreadsheets. There is no menu: a standalone script cannot add one to a spreadsheet's UI.
 *
 * The keys live in the bot's User Properties, not the Script Properties: the triggers run as the bot, so only the
 * bot reads them, even though officials need view access to this script file for its triggers to run.
 */

const ZONE_EVAL_MAX_TRIGGERS = 20;
const ZONE_EVAL_USER_PROPS = {
  url: 'ZONE_EVAL_WEBHOOK_URL',
  keys: 'ZONE_EVAL_SHEET_KEYS',
  triggers: 'ZONE_EVAL_TRIGGER_SHEETS',
};

/**
 * The installable onChange trigger of every spreadsheet this script serves. The spreadsheet is the event's source;
 * its key comes from the map the installer stored. A spreadsheet the map does not name sends nothing.
 */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalOnChange(e) {
  if (e && e.changeType === 'FORMAT') {
    Logger.log('zone-eval: format-only change; no signal');
    return 0;
  }
  const props = PropertiesService.getUserProperties();
  const url = props.getProperty(ZONE_EVAL_USER_PROPS.url);
  const keys = JSON.parse(props.getProperty(ZONE_EVAL_USER_PROPS.keys) || '{}');
  // The event's source is the spreadsheet; should it be missing, the trigger's id names it (the installer's map).
  const byTrigger = JSON.parse(props.getProperty(ZONE_EVAL_USER_PROPS.triggers) || '{}');
  const spreadsheetId = e?.source
    ? e.source.getId()
    : e && Object.hasOwn(byTrigger, e.triggerUid)
      ? byTrigger[e.triggerUid]
      : '';
  const key = Object.hasOwn(keys, spreadsheetId) ? keys[spreadsheetId] : null;
  if (!url || !key) {
    Logger.log(
      'zone-eval: no key for spreadsheet %s in this script; no signal',
      spreadsheetId || '(unknown)',
    );
    return 0;
  }
  return zoneEvalSend_(url, key, spreadsheetId, zoneEvalEditor_(e));
}

/**
 * The installer, run as the bot account (scripts.run): `{webhookUrl, keys: {spreadsheetId: key}}` is the whole set
 * this script serves. Triggers for spreadsheets no longer named are deleted, missing ones created, present ones kept,
 * so a re-run repairs drift and never duplicates. Returns what it did.
 */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalConfigure(config) {
  if (!config || typeof config !== 'object' || !config.keys || typeof config.keys !== 'object')
    throw new Error('zoneEvalConfigure needs {webhookUrl, keys: {spreadsheetId: key}}');
  const url = zoneEvalCheckUrl_(config.webhookUrl);
  const ids = Object.keys(config.keys);
  if (ids.length > ZONE_EVAL_MAX_TRIGGERS)
    throw new Error(
      `${ids.length} spreadsheets given; one script holds at most ${ZONE_EVAL_MAX_TRIGGERS} triggers`,
    );
  const keys = {};
  for (const id of ids) keys[id] = zoneEvalCheckKey_(id, config.keys[id]);

  const kept = {};
  const removed = [];
  for (const trigger of ScriptApp.getProjectTriggers()) {
    if (trigger.getHandlerFunction() !== 'zoneEvalOnChange') continue;
    const id = trigger.getTriggerSourceId();
    if (Object.hasOwn(keys, id) && !kept[id]) kept[id] = true;
    else {
      ScriptApp.deleteTrigger(trigger);
      removed.push(id);
    }
  }
  const created = [];
  for (const id of ids) {
    if (kept[id]) continue;
    ScriptApp.newTrigger('zoneEvalOnChange').forSpreadsheet(id).onChange().create();
    created.push(id);
  }
  const byTrigger = {};
  for (const trigger of ScriptApp.getProjectTriggers())
    if (trigger.getHandlerFunction() === 'zoneEvalOnChange')
      byTrigger[trigger.getUniqueId()] = trigger.getTriggerSourceId();
  PropertiesService.getUserProperties().setProperties(
    {
      [ZONE_EVAL_USER_PROPS.url]: url,
      [ZONE_EVAL_USER_PROPS.keys]: JSON.stringify(keys),
      [ZONE_EVAL_USER_PROPS.triggers]: JSON.stringify(byTrigger),
    },
    true,
  );
  Logger.log(
    'zone-eval: %s spreadsheets; created %s, removed %s',
    ids.length,
    created.length,
    removed.length,
  );
  return { spreadsheets: ids.length, created, removed };
}
