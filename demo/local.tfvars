# Layered on the staging variables by `npm run demo`: the emulator's RDS instance is a PostgreSQL on this
# machine with a self-signed certificate no RDS CA bundle verifies, so its tasks connect without TLS.
# The database's TLS is the one setting that differs in kind from staging (RDS itself always gets
# verify-full); the others below only fit staging's timings to the emulator's clock.
db_ssl_mode = "disable"

# The emulator's clock runs ×30 while containers start at the speed of this (shared, 2-core) machine: the
# default 60 s grace would be 2 s of wall time, less than a node process needs to answer its first health
# check under load. 600 emulated seconds are 20 s of wall time; a task that never turns healthy still fails.
health_check_grace_period_seconds = 600

# Blue/green bake: 2 minutes instead of staging's 5 (4 s of wall time instead of 10, twice in the demo).
# The frontend's releases still shift all traffic, keep the blue tasks through a bake for an instant
# rollback, then clean up; the load measured through release 3 spans all of it.
blue_green_bake_time_minutes = 2
