// Preloaded into a measured child process (NODE_OPTIONS=--require): on exit, writes the process's peak
// resident set size in kB (getrusage maxRSS, exact, unlike sampling /proc) to $BENCH_MAX_RSS_FILE.
const file = process.env.BENCH_MAX_RSS_FILE;
if (file) {
  process.on('exit', () => {
    require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
