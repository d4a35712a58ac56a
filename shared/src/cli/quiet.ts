// The SDK warns on every start under Node 20 that its releases from 2027 need Node 22. Our actions run
// on node24; for the CLI, the demo and the benchmarks on Node 20 the notice says nothing about the step,
// so it is switched off through the SDK's own setting (a user who sets the variable keeps their value).
// Import this module first: ESM evaluates imports in order, so it runs before any SDK module loads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
