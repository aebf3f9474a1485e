"""docker/compose.yaml: valid by the Compose Specification, and a stack a mine can leave running."""

import json
import re
import subprocess
import time
from pathlib import Path

import jsonschema
import yaml
from paho.mqtt import publish
from sqlalchemy.engine import make_url

from tests.mqtt.mosquitto import Mosquitto

DOCKER = Path(__file__).resolve().parents[2] / "docker"
SCHEMA = Path(__file__).with_name("compose-spec") / "compose-spec.json"
ONE_SHOT = "mqtt-config"  # migrates and writes the broker's files, then exits


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_the_file_follows_the_compose_specification() -> None:
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator().iter_errors(compose())]
    assert errors == []


def test_the_schema_refuses_what_compose_would() -> None:
    """The vendored schema is the real one: a misspelt key or a wrong type is an error."""
    broken = compose()
    broken["services"]["app"]["healthchek"] = broken["services"]["app"].pop("healthcheck")
    broken["services"]["db"]["restart"] = ["always"]
    assert len(list(validator().iter_errors(broken))) == 2


def test_every_long_running_service_restarts_and_has_an_exec_form_healthcheck() -> None:
    for name, service in compose()["services"].items():
        if name == ONE_SHOT:
            assert service["restart"] == "no" and service["healthcheck"] == {"disable": True}
            continue
        assert service["restart"] == "unless-stopped", name
        test = service["healthcheck"]["test"]
        assert isinstance(test, list) and test[0] == "CMD", f"{name}: healthcheck not in exec form"


def test_no_container_runs_as_root() -> None:
    """The built image runs as its own user (docker/Dockerfile); the stock images are given theirs."""
    services = compose()["services"]
    assert services["db"]["user"] == "postgres" and services["mosquitto"]["user"] == "1883:1883"
    for name in ("app", ONE_SHOT):
        assert "user" not in services[name], f"{name} must keep the image's own user"
    assert re.search(r"^USER 10001:10001$", (DOCKER / "Dockerfile").read_text(encoding="utf-8"), re.MULTILINE)


def test_everything_that_must_survive_is_on_a_named_volume() -> None:
    data = compose()
    named = set(data["volumes"])
    mounts = {(name, mount.split(":")[1]): mount.split(":")[0]
              for name, service in data["services"].items() for mount in service.get("volumes", [])}
    for where in [("db", "/var/lib/postgresql/data"), ("app", "/app/data"), ("app", "/backups"),
                  ("mosquitto", "/mosquitto/data"), ("mosquitto", "/mosquitto/generated"),
                  ("app", "/mosquitto/generated"), (ONE_SHOT, "/mosquitto/generated")]:
        assert mounts.get(where) in named, f"{where[0]}: {where[1]} is not on a named volume"


def test_the_database_password_is_a_secret_with_no_default() -> None:
    data = compose()
    text = (DOCKER / "compose.yaml").read_text(encoding="utf-8")
    assert not re.search(r"\$\{[A-Z_]*(PASSWORD|SECRET)[A-Z_]*:-", text), "a password or secret with a default"
    assert "POSTGRES_PASSWORD:" not in text
    assert data["secrets"]["db_password"] == {"file": "./secrets/db_password"}
    db = data["services"]["db"]
    assert db["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password" and db["secrets"] == ["db_password"]
    for name in ("app", ONE_SHOT):
        service = data["services"][name]
        assert service["secrets"] == ["db_password"]
        assert service["environment"]["SAFETY_DATABASE_PASSWORD_FILE"] == "/run/secrets/db_password"
        assert make_url(service["environment"]["SAFETY_DATABASE_URL"]).password is None


def test_every_variable_compose_reads_is_in_the_env_example() -> None:
    used = set(re.findall(r"\$\{([A-Z_]+)", (DOCKER / "compose.yaml").read_text(encoding="utf-8")))
    example = (DOCKER / "env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", example, re.MULTILINE))
    assert used and used <= documented, sorted(used - documented)
    required = set(re.findall(r"\$\{([A-Z_]+):\?", (DOCKER / "compose.yaml").read_text(encoding="utf-8")))
    assert required == set(re.findall(r"^([A-Z_]+)=$", example, re.MULTILINE))  # to fill in, no value given


def test_the_kiosks_tls_listener_is_published_with_the_broker_certificate() -> None:
    mosquitto = compose()["services"]["mosquitto"]
    assert "8883:8883" in mosquitto["ports"] and not any("8884" in port for port in mosquitto["ports"])
    config = (DOCKER / "mosquitto.conf").read_text(encoding="utf-8")
    mounted = {mount.split(":")[1] for mount in mosquitto["volumes"]}
    for path in re.findall(r"^(?:certfile|keyfile) (\S+)$", config, re.MULTILINE):
        assert path in mounted, f"{path} (mosquitto.conf) is not mounted"
    assert not any("ca.key" in mount for mount in mosquitto["volumes"])  # the CA's key stays off the broker
    for path in ["/mosquitto/config/mosquitto.conf", "/mosquitto/config/health.acl"]:
        source = next(mount.split(":")[0] for mount in mosquitto["volumes"] if mount.split(":")[1] == path)
        assert (DOCKER / source).is_file(), source


def broker_healthcheck(port: int) -> list[str]:
    """compose.yaml's broker healthcheck as the container runs it ($$ is compose's escaped $), on ``port``."""
    test = compose()["services"]["mosquitto"]["healthcheck"]["test"][1:]
    return [str(port) if part == "1880" else part.replace("$$", "$") for part in test]


def test_the_broker_healthcheck_passes_on_a_running_broker_and_fails_on_a_stopped_one(tmp_path: Path) -> None:
    broker = Mosquitto(tmp_path).start()
    try:
        command = broker_healthcheck(broker.health_port)
        assert subprocess.run(command, check=False, capture_output=True, timeout=20).returncode == 0
    finally:
        broker.stop()
    assert subprocess.run(command, check=False, capture_output=True, timeout=20).returncode != 0


def test_the_health_listener_reads_nothing_but_the_uptime(tmp_path: Path) -> None:
    broker = Mosquitto(tmp_path).start()
    try:
        publish.single("safety/tianchen/bulletin", "retained", qos=1, retain=True, hostname="127.0.0.1",
                       port=broker.port)
        time.sleep(0.2)
        command = broker_healthcheck(broker.health_port)
        command[command.index("$SYS/broker/uptime")] = "safety/#"
        refused = subprocess.run(command, check=False, capture_output=True, timeout=20)
    finally:
        broker.stop()
    assert refused.returncode != 0 and refused.stdout == b""
