// What the simulated cluster logs through. The sim stands alone, so it names no logging library: a caller
// passes any logger with these methods (a pino logger fits as is). Without one, warnings and errors go to
// stderr as one line each and informational lines are dropped, so a test run stays quiet.
export interface SimLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

function toStderr(level: string): (fields: Record<string, unknown>, message: string) => void {
  return (fields, message) => {
    const err = fields.err instanceof Error ? { err: fields.err.stack ?? fields.err.message } : {};
    process.stderr.write(`sim ${level}: ${message} ${JSON.stringify({ ...fields, ...err })}\n`);
  };
}

export const STDERR_LOGGER: SimLogger = { info: () => undefined, warn: toStderr('warn'), error: toStderr('error') };
