# Layered on the staging variables by `npm run demo`: the emulator's RDS instance is a PostgreSQL on this
# machine with a self-signed certificate no RDS CA bundle verifies, so its tasks connect without TLS.
# This is the one setting that differs from staging; RDS itself always gets verify-full.
db_ssl_mode = "disable"

# The emulator's clock runs ×30 while containers start at the speed of this (shared, 2-core) machine: the
# default 60 s grace would be 2 s of wall time, less than a node process needs to answer its first health
# check under load. 600 emulated seconds are 20 s of wall time; a task that never turns healthy still fails.
health_check_grace_period_seconds = 600
