// The SDK warns on every start under Node 20 that future releases need Node 22; our actions run on
// node24 and the warning says nothing actionable about the step, so the CLI, the demo and the
// benchmarks keep it out of their output. Every other warning still prints. Import this module first:
// ESM evaluates imports in order, so the filter is in place before any SDK module loads.
const listeners = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'NodeVersionSupportWarning') return;
  for (const l of listeners) l(w);
});
