# Layered on the staging variables by `npm run demo`: the emulator's RDS instance is a PostgreSQL on this
# machine with a self-signed certificate no RDS CA bundle verifies, so its tasks connect without TLS.
# This is the one setting that differs from staging; RDS itself always gets verify-full.
db_ssl_mode = "disable"
