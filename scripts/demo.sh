#!/usr/bin/env bash
# `make demo`: the whole system on the embedded default — the queue server on the demo office
# (SQLite in $TALON_DATA_DIR, default ./var), an emulated ticket printer, and the apps that
# are installed (a kiosk, an operator console, a hall board).  Ctrl+C stops everything it
# started, and only that.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8765}
PRINTER_PORT=${PRINTER_PORT:-9100}
BIN="$VENV/bin"
export TALON_DATA_DIR=${TALON_DATA_DIR:-var}
mkdir -p "$TALON_DATA_DIR/printed"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$BIN/talon-printer" emulate --tcp "127.0.0.1:$PRINTER_PORT" --save-dir "$TALON_DATA_DIR/printed" &
pids+=($!)
"$BIN/talon-server" run --demo --host "$HOST" --port "$PORT" \
  --printer "kiosk-printer=tcp://127.0.0.1:$PRINTER_PORT" &
pids+=($!)

url="ws://127.0.0.1:$PORT/"
for _ in $(seq 1 60); do
  if "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  echo "demo: no screen here (DISPLAY is not set): the apps are not started."
  echo "      The server runs at $url; start the apps on a machine with a screen, e.g.:"
  echo "      $BIN/talon-kiosk --server $url --token demo-kiosk"
else
  [ -x "$BIN/talon-kiosk" ] && { "$BIN/talon-kiosk" --server "$url" --token demo-kiosk & pids+=($!); }
  [ -x "$BIN/talon-console" ] && { "$BIN/talon-console" --server "$url" --user operator1 --password demo --window 1 & pids+=($!); }
  [ -x "$BIN/talon-display" ] && { "$BIN/talon-display" --server "$url" --token demo-display & pids+=($!); }
fi

cat <<MSG
demo: Talon is running.
  server          $url   (GET http://$HOST:$PORT/healthz, /api/load)
  ticket printer  emulated on 127.0.0.1:$PRINTER_PORT; printed tickets in $TALON_DATA_DIR/printed
  credentials     kiosk token demo-kiosk, board token demo-display,
                  operators operator1..operator20 / demo, manager / demo  (demo only!)
Press Ctrl+C to stop.
MSG
wait -n "${pids[@]}"
