#!/usr/bin/env bash
# The backup drill on PostgreSQL, timed: back up a database and its uploads, restore them
# into a new, empty database, check them, and serve the restored data.
#
#   scripts/backup_drill.sh SOURCE_DATABASE_URL [FOLDER]
#
# The restored database is made next to the source (name + "_restored") and dropped at the
# end; FOLDER (default: a temporary one) holds the backup and is removed too.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE="$1"
FOLDER="${2:-$(mktemp -d)/backup}"
TARGET="${SOURCE%/*}/$(basename "${SOURCE##*/}")_restored"
TARGET_NAME="${TARGET##*/}"
MEDIA="$(mktemp -d)"
PORT=8392
export SECRET_KEY="backup-drill-$RANDOM$RANDOM" ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING

seconds() { date +%s.%N; }
echo "== backup of ${SOURCE##*/}"
t0=$(seconds)
DATABASE_URL="$SOURCE" .venv/bin/tanjai backup "$FOLDER"
t1=$(seconds)
du -sh "$FOLDER"
echo "== restore into $TARGET_NAME"
psql "${SOURCE%/*}/postgres" -qc "DROP DATABASE IF EXISTS $TARGET_NAME" -c "CREATE DATABASE $TARGET_NAME"
t2=$(seconds)
DATABASE_URL="$TARGET" MEDIA_ROOT="$MEDIA" .venv/bin/tanjai restore "$FOLDER" --jobs 2
t3=$(seconds)
echo "== serving the restored data"
DATABASE_URL="$TARGET" .venv/bin/tanjai migrate --check
DATABASE_URL="$TARGET" .venv/bin/tanjai createuser drill.analyst --role hq_analyst --scope org --password 'Drill-restore-2569!' >/dev/null
DATABASE_URL="$TARGET" MEDIA_ROOT="$MEDIA" .venv/bin/gunicorn tanjai.wsgi --workers 2 --bind 127.0.0.1:$PORT >/dev/null 2>&1 &
WEB=$!
trap 'kill $WEB 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
t4=$(seconds)
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username":"drill.analyst","password":"Drill-restore-2569!"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
COUNT=$(curl -sf "http://127.0.0.1:$PORT/api/v1/complaints?page_size=1" -H "Authorization: Bearer $TOKEN" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["count"])')
t5=$(seconds)
kill $WEB; wait $WEB 2>/dev/null || true
python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$COUNT" <<'PY'
import sys
t0, t1, t2, t3, t4, t5 = map(float, sys.argv[1:7])
print(f"backup {t1 - t0:.0f} s; restore and check {t3 - t2:.0f} s; "
      f"web up {t4 - t3:.1f} s later; the API counts {int(sys.argv[7]):,} complaints ({t5 - t4:.1f} s)")
PY
psql "${SOURCE%/*}/postgres" -qc "DROP DATABASE $TARGET_NAME WITH (FORCE)"
rm -rf "$FOLDER" "$MEDIA"
