/**
 * zone-eval: the edit signal, as the Apps Script projects send it (V8 runtime). Shared by the bound and the
 * standalone projects: Apps Script gives every file of a project one global scope, so no imports.
 *
 * The protocol is lib/protocol/signature.ts: body {"spreadsheetId", "editor"?}, headers X-Zone-Eval-Timestamp (unix
 * seconds) and X-Zone-Eval-Signature: v1=<hex HMAC-SHA256(key, timestamp + "." + body)>, where key is the
 * spreadsheet's own key (hex HMAC-SHA256(master secret, spreadsheet id)) used as UTF-8 text. A script only ever holds
 * per-spreadsheet keys, never the master secret: a key read out of a script can nudge its own sheet and no other.
 */

/** Attempts per signal; a signal is a hint and the reconcile poll catches a lost one within minutes. */
const ZONE_EVAL_ATTEMPTS = 3;
/** Pause before the 2nd and 3rd attempt: short, since each pause counts against the trigger runtime quota. */
const ZONE_EVAL_BACKOFF_MS = [1000, 3000];
/** What the webhook's schema accepts as an editor; anything else is left out rather than refused with the signal. */
const ZONE_EVAL_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Lower-case hex of the bytes Utilities returns. They are signed Java bytes (-128..127), so each is brought into
 * 0..255 before formatting: (-1).toString(16) would give "-1" where "ff" is meant.
 */
function zoneEvalHex_(bytes) {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += ((bytes[i] & 0xff) + 0x100).toString(16).slice(1);
  return hex;
}

/** `v1=<hex HMAC-SHA256(key, timestamp + "." + body)>`, the key and the message as UTF-8 text. */
function zoneEvalSignature_(key, timestamp, body) {
  const mac = Utilities.computeHmacSha256Signature(`${timestamp}.${body}`, key, Utilities.Charset.UTF_8);
  return `v1=${zoneEvalHex_(mac)}`;
}

/** The body the webhook accepts: the editor only when it is an email address (it is blank when Google hides it). */
function zoneEvalBody_(spreadsheetId, editor) {
  const email = typeof editor === 'string' ? editor.trim() : '';
  return JSON.stringify(ZONE_EVAL_EMAIL.test(email) ? { spreadsheetId, editor: email } : { spreadsheetId });
}

/**
 * The editor's email from a change event. `e.user` is the active user "if available": Google leaves the email blank
 * when the editor is outside the trigger owner's Google Workspace domain (or on a consumer account), so a signal
 * without an editor is normal and the revision then records none.
 */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalEditor_(e) {
  try {
    return typeof e?.user?.getEmail === 'function' ? e.user.getEmail() || '' : '';
  } catch (err) {
    Logger.log('zone-eval: the editor is not available (%s)', String(err));
    return '';
  }
}

/**
 * Sends one signal and answers the webhook's status (0 when no attempt got an answer). 202 is accepted; a 4xx is a
 * refusal that retrying cannot change (a wrong key, an unknown spreadsheet), so it is logged and not retried; 429,
 * 5xx and network faults are retried, each attempt signed afresh so its timestamp stays inside the replay window.
 */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalSend_(webhookUrl, key, spreadsheetId, editor) {
  const body = zoneEvalBody_(spreadsheetId, editor);
  let status = 0;
  for (let attempt = 1; attempt <= ZONE_EVAL_ATTEMPTS; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = UrlFetchApp.fetch(webhookUrl, {
        method: 'post',
        contentType: 'application/json',
        headers: {
          'X-Zone-Eval-Timestamp': timestamp,
          'X-Zone-Eval-Signature': zoneEvalSignature_(key, timestamp, body),
        },
        payload: body,
        muteHttpExceptions: true,
        followRedirects: false,
      });
      status = response.getResponseCode();
      if (status >= 200 && status < 300) {
        Logger.log('zone-eval: signal for %s accepted (%s)', spreadsheetId, status);
        return status;
      }
      if (status !== 429 && status < 500) {
        Logger.log('zone-eval: signal for %s refused (%s); not retried', spreadsheetId, status);
        return status;
      }
      Logger.log('zone-eval: signal for %s answered %s (attempt %s)', spreadsheetId, status, attempt);
    } catch (err) {
      Logger.log('zone-eval: signal for %s failed (attempt %s): %s', spreadsheetId, attempt, String(err));
    }
    if (attempt < ZONE_EVAL_ATTEMPTS) Utilities.sleep(ZONE_EVAL_BACKOFF_MS[attempt - 1]);
  }
  Logger.log('zone-eval: signal for %s given up after %s attempts', spreadsheetId, ZONE_EVAL_ATTEMPTS);
  return status;
}

/** A webhook URL a script may be configured with: https, or http to this machine for the local stack. */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalCheckUrl_(url) {
  if (
    typeof url !== 'string' ||
    !/^(https:\/\/[^\s/]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/\S*)?$/.test(url)
  )
    throw new Error(`webhookUrl must be an https:// URL (got ${JSON.stringify(url)})`);
  return url;
}

/** A spreadsheet key as the admin CLI derives it: 64 lower-case hex digits. */
// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it by name (trigger, menu, scripts.run or another file)
function zoneEvalCheckKey_(spreadsheetId, key) {
  if (typeof spreadsheetId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(spreadsheetId))
    throw new Error(`${JSON.stringify(spreadsheetId)} is not a spreadsheet id`);
  if (typeof key !== 'string' || !/^[0-9a-f]{64}$/.test(key))
    throw new Error(
      `the key for ${spreadsheetId} must be 64 lower-case hex digits (deriveSheetKey), not the master secret`,
    );
  return key;
}
