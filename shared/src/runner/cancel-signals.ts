// SIGINT/SIGTERM for every door (the CLI, the GitHub action entry). The first signal aborts the step's
// signal: waits stop and the cancel policy runs (rollback sent, record and summary written). CI systems
// often repeat the signal before their hard kill; a second one is acknowledged and handling goes on,
// because dying then would leave a deployment in flight with no record. A third ends the process.
import { constants } from 'node:os';

export interface CancelSignals {
  signal: AbortSignal;
  dispose(): void;
}

export function onCancelSignals(
  say: (line: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): CancelSignals {
  const abort = new AbortController();
  let received = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    received++;
    if (received === 1) {
      say(`received ${sig}: stopping; the cancel policy runs and the record is written`);
      abort.abort(new Error(`cancelled by ${sig}`));
    } else if (received === 2) {
      say(`received ${sig} again: still finishing the cancel handling; a third signal stops at once`);
    } else {
      say(`received ${sig} a third time: exiting now, cancel handling unfinished`);
      exit(128 + (constants.signals[sig] ?? 15));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
