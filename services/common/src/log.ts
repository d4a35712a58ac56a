// JSON logs, one object per line on stdout: what CloudWatch Logs (awslogs driver) stores and queries.
export type Level = 'debug' | 'info' | 'warn' | 'error';

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

/** A logger that tags every line with the service name; `write` is replaceable for tests. */
export function createLogger(service: string, write: (line: string) => void = writeStdout): Logger {
  const emit = (level: Level, msg: string, fields: Fields = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields })}\n`);
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

function writeStdout(line: string): void {
  process.stdout.write(line);
}
