#!/usr/bin/env node
// Entry of the bundled CLI (cli/dist/index.js, the package's bin and the GitLab image's `cendence`).
// It only loads the CLI, which starts itself when run as cli/dist/index.js; living here lets the bundle
// use cli/tsconfig.json (ESM output) without touching the shared sources.
import '../../shared/src/cli/main.js';
