#!/bin/sh
# A CA and the broker's certificate for MQTT over TLS (docs/security.md), with the openssl command.
#   docker/make-certs.sh DIR HOST [HOST...]     e.g. docker/make-certs.sh docker/certs broker.mine.local 10.20.0.5
# Writes DIR/ca.crt (give it to every kiosk and to the service), DIR/server.crt and DIR/server.key
# (Mosquitto's certfile and keyfile); the broker's certificate names every HOST the kiosks connect to.
# DIR/ca.key signs: an existing one is reused to issue a new server certificate; keep it off the broker.
# KEY_OWNER=UID:GID gives server.key to the broker's account (as root): compose.yaml runs Mosquitto as 1883:1883.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR HOST [HOST...]" >&2; exit 2; }
dir=$1
shift
mkdir -p "$dir"
san=""
for host in "$@"; do
    case $host in
        *:* | [0-9]*.[0-9]*.[0-9]*.[0-9]*) entry="IP:$host" ;;
        *) entry="DNS:$host" ;;
    esac
    san="${san:+$san,}$entry"
done
umask 077
if [ ! -f "$dir/ca.key" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -subj "/CN=mine-safety MQTT CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$1" \
    -keyout "$dir/server.key" -out "$dir/server.csr"
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n' "$san" > "$dir/server.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 825 \
    -extfile "$dir/server.ext" -out "$dir/server.crt"
rm -f "$dir/server.csr" "$dir/server.ext"
chmod 644 "$dir/ca.crt" "$dir/server.crt"
if [ -n "${KEY_OWNER:-}" ]; then
    chown "$KEY_OWNER" "$dir/server.key"
fi
echo "wrote $dir/ca.crt, $dir/server.crt and $dir/server.key for $san"
