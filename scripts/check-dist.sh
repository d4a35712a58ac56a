#!/usr/bin/env bash
# Fails when a committed bundle (actions/*/dist, cli/dist) or a generated door file (action.yml, action
# README, action entry, GitLab template) differs from what the current sources produce.
set -euo pipefail
cd "$(dirname "$0")/.."

npx tsx scripts/gen-actions.ts --check
node scripts/bundle.mjs >/dev/null

drift=$(git status --porcelain -- 'actions/*/dist' cli/dist)
if [ -n "$drift" ]; then
  echo "dist/ differs from a fresh bundle (run npm run bundle and commit the result):" >&2
  echo "$drift" >&2
  git --no-pager diff --stat -- 'actions/*/dist' cli/dist >&2 || true
  exit 1
fi
echo "dist/ matches a fresh bundle"
