"""The Compose file and the Dockerfiles, checked offline (no Docker engine here).

* Compose: ``docker-compose config`` (Debian package ``docker-compose``; validates against the
  Compose specification schema and resolves every path without an engine), then the content.
* Dockerfiles: every file a COPY takes exists, the entry point is the service's script, and the
  build's ``uv sync`` steps are rehearsed with ``--dry-run --offline`` on a context holding exactly
  what the Dockerfile copies (proves the lock file fits the copied workspace).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.ops.promtool import ROOT, needs_promtool, promtool

COMPOSE = ROOT / "deploy" / "compose" / "docker-compose.yaml"
SERVICES = ("scheduler", "meetings", "referrals", "reporting")
DOCKER_COMPOSE = shutil.which("docker-compose")
UV = ROOT / ".cache" / "tools" / "uv" / "bin" / "uv"


def compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert DOCKER_COMPOSE is not None
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GRAFANA_", "HOKS_", "KAFKA_"))}
    return subprocess.run([DOCKER_COMPOSE, "-f", str(COMPOSE), "config"], capture_output=True, text=True,
                          env={**clean, **env}, cwd=COMPOSE.parent, timeout=60)


needs_compose = pytest.mark.skipif(
    DOCKER_COMPOSE is None, reason="docker-compose not on PATH (Debian package 'docker-compose': ./dev setup installs it)")


@needs_compose
def test_compose_file_is_valid_and_complete():
    result = compose_config({"GRAFANA_ADMIN_PASSWORD": "test", "HOKS_SCHEDULER_FEED_SECRET": "test-feed-key"})
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"kafka", "mongo", "topics", *SERVICES, "prometheus", "grafana"}
    kafka = services["kafka"]["environment"]
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
    assert "zookeeper" not in str(config).lower()
    assert "--replSet" in services["mongo"]["command"]
    for name in SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/service.Dockerfile"
        assert service["build"]["args"]["SERVICE"] == name
        assert (Path(service["build"]["context"]) / service["build"]["dockerfile"]).is_file()
        assert "replicaSet=rs0" in service["environment"]["MONGODB_URL"]
        assert service["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert service["depends_on"]["topics"]["condition"] == "service_completed_successfully"
        assert service["deploy"]["resources"]["limits"]["memory"]
        assert service["environment"]["HOKS_AUTH_MODE"] == "oidc"  # the development sign-in only on request
    binds = [m.split(":")[0] if isinstance(m, str) else m.get("source", "")
             for m in services["prometheus"]["volumes"] + services["grafana"]["volumes"]]
    binds = [b for b in binds if b.startswith("/")]
    assert len(binds) == 4
    for source in binds:
        assert Path(source).exists(), source


@needs_compose
def test_compose_refuses_to_start_grafana_without_an_admin_password():
    result = compose_config({"HOKS_SCHEDULER_FEED_SECRET": "k"})
    assert result.returncode != 0
    assert "GRAFANA_ADMIN_PASSWORD" in result.stderr


@needs_compose
def test_compose_refuses_to_start_without_the_schedulers_feed_secret():
    result = compose_config({"GRAFANA_ADMIN_PASSWORD": "test"})
    assert result.returncode != 0
    assert "HOKS_SCHEDULER_FEED_SECRET" in result.stderr
    config = yaml.safe_load(compose_config({"GRAFANA_ADMIN_PASSWORD": "test",
                                            "HOKS_SCHEDULER_FEED_SECRET": "k"}).stdout)
    assert config["services"]["scheduler"]["environment"]["HOKS_SCHEDULER_FEED_SECRET"] == "k"
    assert config["services"]["scheduler"]["environment"]["HOKS_AUTH_MODE"] == "oidc"


@needs_promtool
def test_compose_prometheus_config_is_valid():
    result = promtool("check", "config", ROOT / "deploy" / "prometheus" / "compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_kubernetes_scrape_job_labels_like_the_alerts_expect():
    # (Debian's promtool is built without Kubernetes discovery, so this one is checked by structure)
    job = yaml.safe_load((ROOT / "deploy" / "prometheus" / "kubernetes.yml").read_text())["scrape_configs"][0]
    assert job["job_name"] == "hoks"
    targets = {r.get("target_label") for r in job["relabel_configs"]}
    assert {"service", "__address__"} <= targets


DOCKERFILE = ROOT / "deploy" / "service.Dockerfile"


def logical_lines(dockerfile: Path, service: str) -> list[str]:
    """The Dockerfile's instructions as built with ``--build-arg SERVICE=<service>``."""
    lines, current = [], ""
    text = dockerfile.read_text().replace("${SERVICE}", service)
    for raw in text.splitlines():
        if not current and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        current += raw.rstrip("\\").strip() + " "
        if not raw.endswith("\\"):
            lines.append(current.strip())
            current = ""
    return lines


def copies(lines: list[str]) -> list[tuple[str, str]]:
    out = []
    for line in lines:
        if line.startswith("COPY ") and "--from=" not in line:
            *sources, dest = [w for w in shlex.split(line[5:]) if not w.startswith("--")]
            out.extend((src, dest) for src in sources)
    return out


def workspace_members() -> list[str]:
    return ["shared", "devtools", *sorted(f"services/{p.name}" for p in (ROOT / "services").iterdir()
                              if (p / "pyproject.toml").is_file())]


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_copies_existing_files_and_runs_the_service(service):
    dockerfile = DOCKERFILE
    lines = logical_lines(dockerfile, service)
    project = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())["project"]
    assert project["name"] == f"hoks-{service}"
    for src, _ in copies(lines):
        assert (ROOT / src).exists(), f"{dockerfile}: COPY {src} does not exist"
    copied = {src for src, _ in copies(lines)}
    for member in workspace_members():  # uv sync --locked needs the whole workspace's metadata
        assert f"{member}/pyproject.toml" in copied, member
    assert {"uv.lock", "pyproject.toml"} <= copied
    syncs = [line for line in lines if "uv sync" in line]
    assert syncs and all("--locked" in s and f"--package hoks-{service}" in s for s in syncs)
    entry = next(line for line in lines if line.startswith("ENTRYPOINT"))
    assert entry == 'ENTRYPOINT ["hoks-service"]' and f"hoks-{service}" in project["scripts"]
    assert f"RUN ln -s /app/.venv/bin/hoks-{service} /app/.venv/bin/hoks-service" in lines
    assert f"HOKS_SERVICE_NAME={service}" in next(line for line in lines if "HOKS_SERVICE_NAME" in line)
    assert any(re.match(r"USER \d+", line) and not line.endswith(" 0") for line in lines)
    assert any(line.startswith("HEALTHCHECK") and "/health" in line for line in lines)
    uv_pin = re.search(r'UV_VERSION="([^"]+)"', (ROOT / "dev").read_text()).group(1)
    assert any(f"uv=={uv_pin}" in line for line in lines), "the image's uv must be the one ./dev uses"


@pytest.mark.skipif(not UV.exists(), reason="uv not installed under .cache/tools (./dev setup installs it)")
@pytest.mark.parametrize("service", SERVICES)
def test_image_build_rehearsal_installs_a_service_that_starts_from_the_copied_files(service, tmp_path):
    """Replays the build stage offline: the COPY steps into a fresh context, the uv steps for real
    (from the uv cache), then builds the service's app with the installed environment, as the
    image would run it (sources at the same place beside the environment, nothing else)."""
    lines = logical_lines(DOCKERFILE, service)
    assert "COPY --from=build /src /src" in lines  # the final image keeps the sources the .venv points to
    context = tmp_path / "src"
    venv = tmp_path / "venv"
    env = {**os.environ, "UV_CACHE_DIR": str(ROOT / ".cache" / "uv"), "UV_PYTHON_DOWNLOADS": "never",
           "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON": "python3.11", "UV_NO_PROGRESS": "1"}
    env.pop("VIRTUAL_ENV", None)
    context.mkdir()
    ran = 0
    for line in lines:
        if line.startswith("FROM ") and ran:
            break  # the build stage is over
        if line.startswith("COPY ") and "--from=" not in line:
            for src, dest in copies([line]):  # (every destination here is a folder: "./", "shared/"...)
                assert dest.endswith("/"), dest
                target = context / dest
                target.mkdir(parents=True, exist_ok=True)
                source = ROOT / src
                if source.is_dir():  # Docker copies a folder's contents
                    shutil.copytree(source, target, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns(".venv", "__pycache__", "tests"))
                else:
                    shutil.copy(source, target / source.name)
        elif line.startswith("RUN ") and "uv sync" in line:
            command = [w for w in shlex.split(line[4:]) if not w.startswith("--mount")]
            assert command[:2] == ["uv", "sync"]
            result = subprocess.run([str(UV), *command[1:], "--offline", "--quiet"], cwd=context, env=env,
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, f"{line}\n{result.stderr}"
            ran += 1
    assert ran == 2
    assert (venv / "bin" / f"hoks-{service}").exists() and (venv / "bin" / "hoks").exists()
    assert not (venv / "bin" / "hoks-dev").exists()  # the development tools stay out of the image
    for package in ("hoks_devinfra", "hoks_testing"):
        assert not list(venv.glob(f"lib/python*/site-packages/{package}*")), package
    probe = (f"from hoks_{service}.main import build\n"
             f"app, runtime = build()\n"
             f"assert runtime.name == {service!r}, runtime.name\n")
    result = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd="/", capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin", "HOKS_SERVICE_NAME": service,
                                              # production mode: the scheduler starts only with its secret
                                              "HOKS_SCHEDULER_FEED_SECRET": "image-probe"})
    assert result.returncode == 0, result.stderr[-3000:]
