#!/usr/bin/env bash
# PostgreSQL's own floor for the scale part: random primary-key reads among 1,000 rows and among
# 1,000,000 rows of the TypeORM store's table layout, sent by pgbench (no Node, no library), in
# alternating rounds. The ratio of the two is what PostgreSQL itself loses, at full load, when the
# table grows (the scale part of `npm run bench` measures the same on its own table: pg-floor.js).
#
#   bash bench/tools/pg-scale-floor.sh            # 3 rounds of 10 s each, 8 clients
#   ROUNDS=5 SECONDS_PER_RUN=20 bash bench/tools/pg-scale-floor.sh
#
# Uses the database `test` on 127.0.0.1:5432 (the bench's), two scratch tables it drops at the end.
set -euo pipefail
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CLIENTS=${CLIENTS:-8}
PGBENCH=${PGBENCH:-$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)}
psql_() { psql -h 127.0.0.1 -U postgres test -q -v ON_ERROR_STOP=1 "$@"; }
# The bench's session ids as SQL of a counter, from the module the scale part seeds with.
BENCH_DIR=$(cd "$(dirname "$0")/.." && pwd)
sql_id() { node -e "process.stdout.write(require('$BENCH_DIR/seeded-ids.js').sqlSessionId('nsbench', process.argv[1]))" "$1"; }
ID=$(sql_id i)
PICKED_ID=$(sql_id :i)
work=$(mktemp -d)
cleanup() { psql_ -c 'DROP TABLE IF EXISTS nsfloor_1000, nsfloor_1000000' >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

for size in 1000 1000000; do
  table=nsfloor_$size
  psql_ -c "DROP TABLE IF EXISTS $table" \
    -c "CREATE TABLE $table (id varchar(43) PRIMARY KEY, data text, created_at bigint, touched_at bigint, expires_at bigint, user_id varchar(255))" \
    -c "CREATE INDEX ${table}_expires_at ON $table (expires_at)" -c "CREATE INDEX ${table}_user_id ON $table (user_id)" \
    -c "INSERT INTO $table SELECT ${ID}, '{\"n\":1}', 1, 1, 9999999999999, NULL FROM generate_series(0, $size - 1) AS i" \
    -c "VACUUM ANALYZE $table"
  # The store's read statement (session-sql.ts `get`), on a random seeded id; the id is computed in
  # the statement at both sizes alike.
  cat >"$work/$size.sql" <<SQL
\set i random(0, $((size - 1)))
SELECT data, created_at, touched_at FROM $table WHERE id = ${PICKED_ID} AND expires_at > 5;
SQL
done
echo "table + indexes at 1,000,000 rows: $(psql_ -Atc "SELECT pg_size_pretty(pg_total_relation_size('nsfloor_1000000'))"); shared_buffers $(psql_ -Atc 'SHOW shared_buffers')"

declare -A tps
for round in $(seq 1 "$ROUNDS"); do
  order="1000 1000000"
  [ $((round % 2)) = 0 ] && order="1000000 1000"
  for size in $order; do
    value=$("$PGBENCH" -h 127.0.0.1 -U postgres -n -M prepared -c "$CLIENTS" -j 1 -T "$SECONDS_PER_RUN" -f "$work/$size.sql" test 2>&1 | awk '/^tps/ {print $3}')
    tps[$size]+="$value "
    printf 'round %s, %s rows: %.0f tx/s\n' "$round" "$size" "$value"
  done
done
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
small=$(median "${tps[1000]}")
big=$(median "${tps[1000000]}")
awk -v s="$small" -v b="$big" 'BEGIN { printf "median: 1,000 rows %.0f tx/s, 1,000,000 rows %.0f tx/s: %.2fx\n", s, b, b / s }'
