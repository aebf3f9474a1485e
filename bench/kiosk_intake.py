"""Kiosk intake throughput: 100,000 QoS 1 reports from simulated kiosks through Mosquitto.

Three phases on the same Mosquitto (started with docker/mosquitto.conf on a free port) and the
same publishers, in one run:
  raw      publishers -> broker -> a plain paho subscriber that only counts (the limit)
  service  publishers -> broker -> `safety-service intake` -> acks -> an ack counter
  paced    the same, the publishers held to half the service's measured rate for ~10 s: the ack
           latency of a load the service sustains (in a flood, latency only measures the backlog)
Before the service phases every kiosk publishes its retained status (`--acks 2`: it reads kiosk-ack/2, one
ack per kiosk per batch; `--acks 1`: one kiosk-ack/1 per report) and the run waits until the register has
them all, so the intakes are subscribed before the first report. `--ack-qos` sets the intakes'
SAFETY_MQTT_ACK_QOS (the counter subscribes at QoS 1 and so takes the acks at the QoS they were sent).
Prints the rates, the ratio, ack latency percentiles (the paced phase's p99 also for each 2 s of publishing), and checks zero
loss and zero duplicates in the register. Usage: python bench/kiosk_intake.py
[--reports 100000] [--kiosks 20] [--database sqlite|postgresql] [--intakes N] [--protocol 5|3.1.1]
[--acks 1|2] [--ack-qos 0|1] [--writer-process true|false] [--writers 0..8]; by default one intake on a fresh
SQLite file, the embedded default (PostgreSQL: database `bench_kiosk` on BENCH_POSTGRES_URL's server;
several intakes share the subscription, each with its own client id).
"""

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.common import BACKENDS, PG_ADMIN_URL, create_database, kiosk_status
from safety_service.config import Settings
from tests.mqtt.mosquitto import Mosquitto

SITE = "benchsite"
TIME_LIMIT = 600.0
PACED_SECONDS = 10


def _client(port: int, client_id: str, *, v5: bool = True) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311)
    client.max_inflight_messages_set(1000)
    client.connect("127.0.0.1", port, keepalive=60)
    return client


def publish(port: int, kiosk_ids: list[str], per_kiosk: int, start: mp.Event, sent: mp.Queue,
            rate: float = 0.0) -> None:
    """Publish per_kiosk reports for each kiosk, honouring paho's limits (never dropping one).

    With a ``rate`` (messages per second for this publisher), hold to it instead of flooding.
    """
    clients = {k: _client(port, f"pub-{k}") for k in kiosk_ids}
    for client in clients.values():
        client.loop_start()
    start.wait()
    began = time.monotonic()
    deadline = began + TIME_LIMIT
    times: dict[str, float] = {}
    for n in range(per_kiosk):
        for k, (kiosk_id, client) in enumerate(clients.items()):
            if rate:
                pause = began + (n * len(clients) + k) / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            report_id = str(uuid.uuid4())
            payload = json.dumps({"schema": "kiosk-report/1", "report_id": report_id,
                                  "created_at": "2026-11-24T08:00:00+08:00", "description": f"皮带机托辊异响 {n}"})
            times[report_id] = time.time()
            while client.publish(f"safety/{SITE}/kiosk/{kiosk_id}/report", payload, qos=1).rc != mqtt.MQTT_ERR_SUCCESS:
                if time.monotonic() > deadline:
                    raise SystemExit("publisher timed out")
                time.sleep(0.005)  # paho's queue is full or the link is down: wait, never drop
    while any(c._out_messages for c in clients.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    for client in clients.values():
        client.disconnect()
        client.loop_stop()
    sent.put(times)


def count(port: int, topic: str, expected: int, result: mp.Queue, ready: mp.Event) -> None:
    """Subscribe and note when each report id first arrives, until all expected have."""
    seen: dict[str, float] = {}

    def on_message(client, userdata, message) -> None:
        payload, now = json.loads(message.payload), time.time()
        for answer in payload.get("results", [payload]):  # kiosk-ack/2 answers many reports, kiosk-ack/1 one
            seen.setdefault(answer.get("report_id"), now)

    client = _client(port, f"count-{uuid.uuid4().hex[:6]}")
    client.on_message = on_message
    client.subscribe(topic, qos=1)
    client.loop_start()
    time.sleep(0.5)
    ready.set()
    deadline = time.monotonic() + TIME_LIMIT
    while len(seen) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    client.loop_stop()
    result.put(seen)


def run_phase(port: int, topic: str, kiosks: list[str], per_kiosk: int, publishers: int, rate: float = 0.0) -> dict:
    total = len(kiosks) * per_kiosk
    ctx = mp.get_context("spawn")
    result, ready, start, sent = ctx.Queue(), ctx.Event(), ctx.Event(), ctx.Queue()
    counter = ctx.Process(target=count, args=(port, topic, total, result, ready))
    counter.start()
    ready.wait(30)
    groups = [kiosks[i::publishers] for i in range(publishers)]
    procs = [ctx.Process(target=publish, args=(port, g, per_kiosk, start, sent, rate / publishers)) for g in groups]
    for proc in procs:
        proc.start()
    time.sleep(2)
    began = time.time()
    start.set()
    arrived: dict[str, float] = result.get(timeout=TIME_LIMIT + 60)
    published: dict[str, float] = {}
    for _ in procs:
        published.update(sent.get(timeout=TIME_LIMIT))
    for proc in [*procs, counter]:
        proc.join(timeout=60)
    seconds = max(max(arrived.values(), default=began) - began, 1e-9)
    latencies = sorted(arrived[k] - published[k] for k in arrived if k in published)
    return {"count": len(arrived), "total": total, "seconds": seconds, "rate": len(arrived) / seconds,
            "latencies": latencies, "unknown": len(set(arrived) - set(published)),
            "slices": _slices(published, arrived, began)}


def _slices(published: dict[str, float], arrived: dict[str, float], began: float, width: float = 2.0) -> list[float]:
    """The p99 ack latency of the reports published in each ``width`` seconds of the phase, in order: whether a
    slow tail is spread over the phase or comes at one moment (its start, a checkpoint, a vacuum)."""
    slices: dict[int, list[float]] = {}
    for key, at in published.items():
        if key in arrived:
            slices.setdefault(int((at - began) // width), []).append(arrived[key] - at)
    return [_quantile(sorted(values), 0.99) for _, values in sorted(slices.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--protocol", choices=("5", "3.1.1"), default="5", help="the intake's MQTT protocol")
    parser.add_argument("--database", choices=BACKENDS, default="sqlite")
    parser.add_argument("--intakes", type=int, default=1, choices=range(1, 9), metavar="1..8",
                        help="`safety-service intake` processes sharing the subscription")
    parser.add_argument("--acks", choices=("1", "2"), default="2",
                        help="the ack version the kiosks announce in their status (2: one ack per kiosk per batch)")
    parser.add_argument("--ack-qos", choices=("0", "1"), default="1", help="the intakes' SAFETY_MQTT_ACK_QOS")
    parser.add_argument("--writer-process", choices=("true", "false"), default="true",
                        help="the intakes' SAFETY_MQTT_WRITER_PROCESS (batches written by a child process)")
    parser.add_argument("--writers", type=int, default=0, choices=range(9), metavar="0..8",
                        help="the intakes' SAFETY_MQTT_WRITERS (0: one on SQLite, two on PostgreSQL)")
    parser.add_argument("--batch", type=int, default=0,
                        help="the intakes' SAFETY_MQTT_BATCH_SIZE (0: 2,000 on SQLite, 500 on PostgreSQL)")
    args = parser.parse_args()
    per_kiosk = args.reports // args.kiosks
    kiosks = [f"bench-kiosk-{i:03d}" for i in range(args.kiosks)]
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    (work / "broker").mkdir()
    broker = Mosquitto(work / "broker").start()
    try:
        raw = run_phase(broker.port, f"safety/{SITE}/kiosk/+/report", kiosks, per_kiosk, args.publishers)
        url = database_for(args.database, work)
        service, paced, check = service_phase(broker, url, kiosks, per_kiosk, args.publishers, args.protocol,
                                              args.intakes, int(args.acks), args.ack_qos, args.writer_process,
                                              args.writers, args.batch)
    finally:
        broker.stop()
    concurrency = Settings(database_url=url, mqtt_writers=args.writers, mqtt_batch_size=args.batch).concurrency
    writers = concurrency.mqtt_writers
    writer = f", {writers} writer process{'es' if writers > 1 else ''} each" if args.writer_process == "true" else ""
    print(f"intake: {args.intakes} x `safety-service intake`{writer} on {args.database}, batches of up to "
          f"{concurrency.mqtt_batch_size:,}, MQTT {args.protocol}; "
          f"{args.kiosks} kiosks announcing kiosk-ack/{args.acks}, acks at QoS {args.ack_qos}, {args.publishers} publishers, "
          f"{len(kiosks) * per_kiosk} reports; load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    report(raw, service, paced, check)


def database_for(backend: str, work: Path) -> str:
    """A fresh, empty database for the service phase."""
    url = f"sqlite:///{work / 'bench.db'}" if backend == "sqlite" else \
        make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database="bench_kiosk").render_as_string(False)
    create_database(backend, url)
    return url


def service_phase(broker: Mosquitto, url: str, kiosks: list[str], per_kiosk: int, publishers: int,
                  protocol: str, intakes: int, acks: int, ack_qos: str, writer_process: str, writers: int,
                  batch: int):
    env = {**os.environ, "SAFETY_DATABASE_URL": url, "SAFETY_SITE": SITE,
           "SAFETY_MQTT_URL": broker.url(), "SAFETY_MQTT_CLIENT_ID": "safety-bench-intake", "SAFETY_LOG_LEVEL": "WARNING",
           "SAFETY_SECRET_KEY": "bench-" + "k" * 40, "SAFETY_MQTT_PROTOCOL": protocol,
           "SAFETY_MQTT_ACK_QOS": ack_qos, "SAFETY_MQTT_WRITER_PROCESS": writer_process,
           "SAFETY_MQTT_WRITERS": str(writers), "SAFETY_MQTT_BATCH_SIZE": str(batch)}
    cli = [sys.executable, "-m", "safety_service"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "location", "add", "BENCH", "--name", "井口接待站"], env=env, check=True, capture_output=True)
    for kiosk_id in kiosks:
        subprocess.run([*cli, "kiosk", "add", kiosk_id, "--location", "BENCH"], env=env, check=True,
                       capture_output=True)
    processes = [subprocess.Popen([*cli, "intake"], env={**env, "SAFETY_MQTT_CLIENT_ID": f"safety-bench-intake-{n}"})
                 for n in range(intakes)]
    try:
        announce(broker.port, url, kiosks, acks)
        topic = f"safety/{SITE}/kiosk/+/ack"
        result = run_phase(broker.port, topic, kiosks, per_kiosk, publishers)
        rate = result["rate"] / 2
        paced_per_kiosk = max(1, int(rate * PACED_SECONDS) // len(kiosks))
        paced = run_phase(broker.port, topic, kiosks, paced_per_kiosk, publishers, rate=rate)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return result, paced, verify(url, len(kiosks) * (per_kiosk + paced_per_kiosk))


def announce(port: int, url: str, kiosks: list[str], acks: int) -> None:
    """Publish each kiosk's status until the register has every one: the intakes have subscribed."""
    version = f"bench-{uuid.uuid4().hex[:8]}"
    status = kiosk_status(version, acks=acks)
    client = _client(port, f"status-{version}")
    client.loop_start()
    engine = create_engine(url)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            for kiosk_id in kiosks:  # again each time: a shared subscription gets no retained message
                client.publish(f"safety/{SITE}/kiosk/{kiosk_id}/status", status, qos=1, retain=True)
            time.sleep(0.3)
            with engine.connect() as db:
                if db.execute(text("SELECT count(*) FROM kiosk WHERE software_version = :v"),
                              {"v": version}).scalar_one() == len(kiosks):
                    return
        raise SystemExit("the intake did not take the kiosks' statuses within 120 s")
    finally:
        engine.dispose()
        client.disconnect()
        client.loop_stop()


def verify(url: str, expected: int) -> dict:
    engine = create_engine(url)
    with engine.connect() as db:
        hazards = db.execute(text("SELECT count(*), count(DISTINCT client_report_id) FROM hazard")).one()
        letters = db.execute(text("SELECT count(*) FROM mqtt_dead_letter")).scalar_one()
        unpublished = db.execute(text("SELECT count(*) FROM mqtt_outbox WHERE published_at IS NULL")).scalar_one()
    engine.dispose()
    return {"hazards": hazards[0], "distinct": hazards[1], "expected": expected, "dead_letters": letters,
            "unpublished_acks": unpublished}


def _quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of sorted ``values``."""
    return values[min(len(values) - 1, int(q * len(values)))]


def _percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    pick = lambda q: _quantile(values, q) * 1000
    return f"p50 {pick(0.5):.0f} ms, p95 {pick(0.95):.0f} ms, p99 {pick(0.99):.0f} ms, max {values[-1] * 1000:.0f} ms"


def report(raw: dict, service: dict, paced: dict, check: dict) -> None:
    print(f"raw     {raw['count']:>7}/{raw['total']} messages in {raw['seconds']:.2f} s = {raw['rate']:,.0f}/s; "
          f"delivery {_percentiles(raw['latencies'])}")
    print(f"service {service['count']:>7}/{service['total']} acks     in {service['seconds']:.2f} s = "
          f"{service['rate']:,.0f}/s; ack latency {_percentiles(service['latencies'])}")
    print(f"ratio   service/raw = {service['rate'] / raw['rate']:.0%} (target >= 50%)")
    print(f"paced   {paced['count']:>7}/{paced['total']} acks     in {paced['seconds']:.2f} s = "
          f"{paced['rate']:,.0f}/s (half the service's rate); ack latency {_percentiles(paced['latencies'])} "
          f"(target p99 < 250 ms)")
    print("paced   p99 of each 2 s of publishing: " + ", ".join(f"{p99 * 1000:.0f}" for p99 in paced["slices"]) + " ms")
    print(f"register: {check}")
    loss = check["expected"] - check["distinct"]
    print(f"loss {loss}, duplicates {check['hazards'] - check['distinct']}")


if __name__ == "__main__":
    main()
