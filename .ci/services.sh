#!/usr/bin/env bash
# Make sure the real PostgreSQL and Mosquitto the tests use are installed and running.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
    if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
wait_for() { # command, what
    for _ in $(seq 1 60); do if eval "$1" >/dev/null 2>&1; then return 0; fi; sleep 0.5; done
    echo "services: $2 did not come up" >&2; return 1
}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "services: installing postgresql"; apt_install postgresql
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "services: starting postgresql"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    wait_for "pg_isready -q -h 127.0.0.1 -p 5432" postgresql
fi

# `safety-service backup` and `restore` (and their tests) run PostgreSQL's client tools, of the server's
# version or newer: pg_dump refuses a newer server.
pg_major="$(ls /etc/postgresql | sort -V | tail -1)"
for tool in pg_dump pg_restore psql; do
    if ! command -v "$tool" >/dev/null 2>&1 \
        || [ "$("$tool" --version | sed -E 's/^[^)]*\) *([0-9]+).*/\1/')" -lt "$pg_major" ]; then
        echo "services: installing postgresql-client-$pg_major"; apt_install "postgresql-client-$pg_major"; break
    fi
done

if ! command -v mosquitto >/dev/null 2>&1; then
    echo "services: installing mosquitto"; apt_install mosquitto mosquitto-clients
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
    echo "services: starting mosquitto"
    as_root mosquitto -d -c /etc/mosquitto/mosquitto.conf
    wait_for "(exec 3<>/dev/tcp/127.0.0.1/1883)" mosquitto
fi
# The QR label sheets need a Chinese font, their tests poppler's pdftoppm, the page test a real
# headless Chromium, bench/report_http.py the wrk load generator, and tests/deploy systemd-analyze (the units of
# docs/systemd/) and mosquitto_sub (compose.yaml's broker healthcheck).
need=""
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need="$need fonts-wqy-microhei"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
[ -x /usr/bin/chromium ] || need="$need chromium"
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v systemd-analyze >/dev/null 2>&1 || need="$need systemd"
command -v mosquitto_sub >/dev/null 2>&1 || need="$need mosquitto-clients"
if [ -n "$need" ]; then echo "services: installing$need"; apt_install $need; fi
echo "services: postgresql (with its client tools) and mosquitto are up; chromium, fonts, pdftoppm, wrk, systemd-analyze and mosquitto_sub installed"
