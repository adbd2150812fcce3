/** The pipeline's logger: one JSON line per event, so CloudWatch Logs Insights can query the fields. */
export type Logger = {
  info(event: string, data?: Record<string, unknown>): void;
  warn(event: string, data?: Record<string, unknown>): void;
  error(event: string, data?: Record<string, unknown>): void;
};

/** Writes JSON lines to stdout/stderr. */
export const jsonLogger: Logger = {
  info: (event, data) => console.log(JSON.stringify({ level: 'info', event, ...data })),
  warn: (event, data) => console.warn(JSON.stringify({ level: 'warn', event, ...data })),
  error: (event, data) => console.error(JSON.stringify({ level: 'error', event, ...data })),
};

/** Discards everything (tests, the quiet demo). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
