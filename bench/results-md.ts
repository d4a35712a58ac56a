// bench/RESULTS.md: the figures table with, above it, the conditions of the run and how each figure
// was measured (so a reader can judge the numbers, not just read them).

export interface ResultsContext {
  table: string;
  counts: { pass: number; miss: number; na: number };
  startedAt: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    cpuModel?: string;
    node: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  trials: number;
  speed: number;
}

export function resultsMarkdown(c: ResultsContext): string {
  const m = c.machine;
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) on ${c.startedAt}, in ${Math.round(c.durationSeconds)} s.
Raw measurements: [results.json](results.json). Targets: DESIGN.md, "Targets". Every comparison below
is measured in this same run; none of these figures is asserted by a timed test.

Machine: ${m.cpus} cores${m.cpuModel ? ` (${m.cpuModel})` : ''}, Node ${m.node}; load average
${m.loadAverageBefore[0]} before, ${m.loadAverageAfter[0]} after. Wall-time figures (cold start, throughput)
depend on that load; ratios and counts much less.

**${c.counts.pass} pass, ${c.counts.miss} miss${c.counts.na ? `, ${c.counts.na} not measured` : ''}.**

${c.table}

## How each figure is measured

**Outcome latency** (bench/latency.ts, ${c.trials} runs of each tool on each rollout). One rolling
service (2 tasks, circuit breaker with rollback) in the emulator. The deploy step runs as the CLI runs
it. The waiter-based tool does what the anchor, aws-actions/amazon-ecs-deploy-task-definition v2.6.2 and
later, does: RegisterTaskDefinition, DescribeServices, UpdateService, the SDK's own
\`waitUntilServicesStable\` (minDelay 15 s as aws-actions passes it, the SDK's default maxDelay and
jittered backoff), then one DescribeServices to check that the deployment it started is still there —
since v2.6.2 it fails the step once that deployment is gone after stabilisation, so it does detect a
circuit-breaker rollback, only late (measured side by side on one emulator: 71–126 s after the breaker
tripped). The FAILED rollout uses an image the emulator crashes, so the circuit breaker rolls back.
Both run on the emulator's **virtual clock**: a driver lets emulated time jump to the next wake-up
whenever every sleeper is parked. The deploy step takes that clock as its \`Clock\`; the SDK waiter
cannot be given one, so while it runs its \`setTimeout\` calls of 10 s or more (its delays; the SDK's
HTTP timers are shorter) and \`Date.now\` are routed to the same virtual clock, and its code runs
unchanged. Why virtual rather than real time sped up: with a speed factor the tool's own work (HTTP,
JSON, the diagnosis) is stretched by that factor, and the waiter's real 15–600 s sleeps would either
take minutes or have to be rescaled anyway. The latency is the emulated time from ECS deciding
(service deployment \`finishedAt\` for COMPLETED, \`rollback.startedAt\` for FAILED) to the tool
returning, **plus** the wall time the tool spent after the emulator reached that decision, which a
virtual clock does not count. API calls are the emulator's call log between the tool's first and last
call.

**Following** (bench/follow.ts). On the same virtual clock: releases of 1, 6 and 24 healthy rolling
services (API calls for the whole release, and per service the emulated time from its deployment's
\`finishedAt\` to its outcome being reported), then staying power: 12, 30 and 60 \`ThrottlingException\`s
or \`InternalFailure\`s injected on the follower's describe call once UpdateService has been answered,
for a rolling service, an ECS blue/green service (1-minute bake) and a 6-service release. "Calls during
the window" are every call from the first refused one to the last; the latency is from AWS answering
again (or ECS deciding, if later) to the outcome reported. Our edge over the anchor is latency (it
sleeps 15 s or more between polls), staying power (a window is ridden out and the outcome reported
within seconds of it) and the diagnosis written on a failure — no longer honesty alone.
Each service of a release runs as an actor of the virtual clock (\`Clock.actor\`, a no-op in real time):
time jumps only once every actor sleeps. Without that, on a loaded machine, time jumped to one
follower's wake-up while another service was still between UpdateService and its first sleep, which
charged that service the jump (the 7 s "worst service" of earlier runs). The 24-service release runs
once more on a process starved of CPU (its event loop blocked 80 ms of every 90) to show that this
holds under load; test/virtual-time.test.ts does the same with 6 services.

**Release scaling** (bench/release.ts). 1, 6 and 24 synthetic rolling services (generated manifests and
task definitions in a temp dir, no images needed), each released by one deploy step run, with the
emulator's AWS-like throttling on (token buckets per operation, refilled on wall time: ECS describes
burst 100 at 20/s, RegisterTaskDefinition burst 20 at 1/s, UpdateService burst 50 at 5/s). The emulator
runs on its **real clock at speed ${c.speed}**${c.speed === 1 ? ' (real time)' : ' (bucket rates multiplied by the same factor)'}: the buckets and the SDK's retry
backoff live in wall time, so only real time gives AWS's ratio of request rate to limit. "Throttled then
retried" counts the calls the emulator refused with a throttling error; "surfaced" counts failures the
user would see that name throttling.

**Actions** (bench/cold-start.ts, bench/bundle-contents.ts). Bundle size is every .js file of
\`actions/<step>/dist/\` (esbuild, rebuilt first when missing or more than a minute older than the sources);
"loaded at start" is index.js and the chunks it imports statically, the rest loads on first use. The
largest contributors come from esbuild's metafile of the same build, summed per package or source folder.
Cold start: \`node dist/index.js\` spawned as the GitHub runner runs it (INPUT_* environment), timed from
spawn until its first request reaches a local listener; 7 interleaved rounds, each starting the floor,
the anchor's stand-in and every AWS-calling action once, medians reported. The stand-in
(bench/anchor-standin) is built the way the anchor is built: @actions/core and the SDK v3 ECS client
bundled with ncc, making the anchor's first call (RegisterTaskDefinition). The CPU time each process
used by then is read from /proc as well, as it depends far less on the machine's other load. plan,
render and test make no AWS call. The floor is the same timing for \`node -e\` sending one request;
the SDK floor (bench/anchor-standin/sdk-floor.mjs) is the ECS client alone making the stand-in's first
call, bundled as our actions are (esbuild, ES module, minified, node builtins through require()): what
any action calling ECS pays before its own code runs.
When Node 24 is present (the npm registry's node binary package, as .ci/run installs it; the actions
declare node24), every subject is also started by it in the same rounds and judged against the
stand-in started by the same Node.
Peak memory: the deploy bundle deploys one rolling service against the emulator (real clock ×10); its
peak RSS is getrusage's maxRSS, written at exit by a preloaded bench/max-rss.cjs.

**Build** (bench/build.ts). Five fixture services (FROM scratch + a static busybox, nothing pulled) in a
temp git repository, built with Docker and pushed to the emulator's ECR by the build and push steps;
then one service's file changes, a commit, and the two steps run again. Bytes pushed are what the
emulator's registry received on its blob upload endpoints; images re-tagged are PutImage calls during
the build step. Bytes moved re-tagging: blob bytes received plus served, during the build step, in the
repositories of the services re-tagged (the emulator counts them per repository); the changed
service's own layer cache (imported and saved in its repository) is shown apart.

**Cache** (bench/build-cache.ts, bench/fresh-docker.ts). The real auth service (with services/common and
services/toolchain) on a Docker engine of its own (a second dockerd: own data root, exec root, socket,
bridge and containerd namespace), so emptying its cache touches nothing else. Cold: the build step on
that empty engine (the base image loaded, nothing else; npm ci fetches from the npm registry), cache
exported to a new emulator's ECR (BuildKit inline cache, mode max: each earlier stage pushed as its own
cache image). Then the engine is stopped, its data root deleted and started again (a new runner), one
code line of auth/src/server.ts changes (a log message: a comment would vanish in the compile and leave
the image as it was; the bench checks the image changed), and the build step runs with only the
registry cache. Three such pairs run one after the other, each with a wiped engine and a new registry;
the pair with the median ratio is shown, with every pair's ratio. Times are the build step's own (the
cache export after it is shown apart); "ran" lists the instructions BuildKit executed rather than took
from the cache. Not included in either: pulling the base image, which a runner without it pays in both.
The floor: before each cold build, on the same empty engine, the same docker client builds FROM the base
image, COPY one new file, RUN one command — the fixed cost of any BuildKit build that runs a compile,
with nothing to fetch or install (wall time of \`docker build\`; median of the pairs).

**Emulator** (bench/emulator-load.ts, bench/load-worker.ts). \`cendence emulator\` as its own process
with 24 services, throttling off (its capacity is measured, not AWS's limits), driven over HTTP by the
real SDK clients from two load processes, 8 requests in flight in all, for 3 s per mix after a 0.5 s
warm-up. Two load processes because the SDK's own CPU per call (signing, parsing) exceeds the
emulator's, and one process would cap the load at one core. The emulator's CPU is read from /proc:
"calls per emulator CPU-second" is its capacity per core whatever else the machine is doing.

**Zero downtime** (bench/zero-downtime.ts, harness/load.ts). The emulator with \`tasks: 'docker'\` (real
clock ×10): services of 2 real containers of a small web image pushed to its registry, behind its ALB
proxy with real health checks. During each deployment, made with the ECS SDK, autocannon sends a
steady 50 requests/s over 4 connections through the ALB (loopback only), from the update until ECS
has settled and the old targets are drained, plus 1 s; a connection the server closed with a request
outstanding counts as a connection error (autocannon alone would retry it silently). Rolling and
blue/green deploy a healthy revision; the canary (10 %, bake 10 min) deploys a revision that answers
500 to every request while passing health checks and takes its share until its deployment alarm (target
5xx over both target groups, above 10 a minute for 3 minutes, as terraform/alarms.tf) goes into ALARM on
the ALB's metrics and ECS rolls it back by itself — nobody stops it; the broken image crashes at start and the circuit breaker rolls it back. Which revision took a
request is counted by the ALB proxy per target task definition (CloudWatch's RequestCount per target
group on AWS). Start overhead: RunTask until the app answers on the task's IP, against \`docker run -d\`
of the same local image until it answers (medians of 5, alternating; the emulator also asks its
registry for the image, as ECS pulls).

**Demo** (bench/demo-cold.ts). \`npm run demo\` from a cold Docker cache: spawned with DOCKER_HOST set to a
dockerd of its own (bench/fresh-docker.ts: own data root, empty) into which only the base image the
services build from is copied (a user's machine has the official Node image; pulling it is not the
demo's work). No build cache, no service image, no layer of an earlier run; npm installs inside the
image builds come from the npm registry. Timed from spawn to exit; the phases are the demo's own
(.cendence/demo/report.json); its whole output, each line stamped with the seconds since spawn, is kept in
.cendence/demo-cold.log. The machine's other load shows in the load average above.
`;
}
