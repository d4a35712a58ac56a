// The SDK warns on every start under Node 20 that future releases need Node 22; our actions run on
// node24 and the warning says nothing actionable about the step, so the CLI and the demo keep it out
// of CI logs. Every other warning still prints.
export function quietSdkNodeWarning(): void {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'NodeVersionSupportWarning') return;
    for (const l of listeners) l(w);
  });
}
