"""The Kubernetes manifests validate against the Kubernetes API schemas, offline.

Schemas: the PyPI package ``kubernetes-validate`` (ships them; no network). Rendering: ``kubectl
kustomize`` when kubectl is installed, otherwise the base files as they are and the overlay's HPA
patches applied here (the same strategic merge for these patches: ``spec.metrics`` is replaced).
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.ops.promtool import ROOT

K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
OVERLAY = K8S / "overlays" / "lag-autoscaling"
SERVICES = ("scheduler", "meetings", "referrals", "reporting")
KUBECTL = shutil.which("kubectl")


def load_all(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def kustomization(folder: Path) -> dict:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def render_base() -> list[dict]:
    if KUBECTL:
        out = subprocess.run([KUBECTL, "kustomize", str(BASE)], capture_output=True, text=True, check=True)
        return [d for d in yaml.safe_load_all(out.stdout) if d]
    return [d for name in kustomization(BASE)["resources"] for d in load_all(BASE / name)]


def render_overlay() -> list[dict]:
    if KUBECTL:
        out = subprocess.run([KUBECTL, "kustomize", str(OVERLAY)], capture_output=True, text=True, check=True)
        return [d for d in yaml.safe_load_all(out.stdout) if d]
    docs = copy.deepcopy(render_base())
    for patch in kustomization(OVERLAY)["patches"]:
        p = yaml.safe_load((OVERLAY / patch["path"]).read_text())
        for d in docs:
            if d["kind"] == p["kind"] and d["metadata"]["name"] == p["metadata"]["name"]:
                d["spec"]["metrics"] = p["spec"]["metrics"]
    return docs


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_kustomizations_list_only_existing_files():
    for name in kustomization(BASE)["resources"]:
        assert (BASE / name).is_file(), name
    for patch in kustomization(OVERLAY)["patches"]:
        assert (OVERLAY / patch["path"]).is_file()


@pytest.mark.parametrize("render", [render_base, render_overlay], ids=["base", "lag-autoscaling"])
def test_manifests_validate_against_the_kubernetes_schemas(render):
    kv = pytest.importorskip(
        "kubernetes_validate",
        reason="PyPI package kubernetes-validate not installed (a dev dependency: it ships the API schemas)")
    version = kv.latest_version()
    docs = render()
    assert len(docs) >= 18
    for doc in docs:
        try:
            kv.validate(doc, version, strict=True)
        except kv.ValidationError as exc:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {exc.message} at {list(exc.path)}")


def test_a_broken_manifest_is_rejected():
    kv = pytest.importorskip("kubernetes_validate", reason="kubernetes-validate not installed")
    deployment = copy.deepcopy(by_kind(render_base(), "Deployment")["meetings"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = [8000]
    with pytest.raises(kv.ValidationError):
        kv.validate(deployment, kv.latest_version(), strict=True)
    deployment = copy.deepcopy(by_kind(render_base(), "Deployment")["meetings"])
    deployment["spec"]["replicaz"] = 3  # strict: unknown fields are errors
    with pytest.raises(kv.ValidationError):
        kv.validate(deployment, kv.latest_version(), strict=True)


#: Services whose replicas own fixed shares of the partitions (reporting: one writer per document):
#: a StatefulSet scaled by hand, never by an autoscaler.
SINGLE_WRITERS = {"reporting"}


def test_every_service_has_probes_limits_scaling_and_scrape_annotations():
    docs = render_base()
    deployments = {**by_kind(docs, "Deployment"), **by_kind(docs, "StatefulSet")}
    services = by_kind(docs, "Service")
    hpas, pdbs = by_kind(docs, "HorizontalPodAutoscaler"), by_kind(docs, "PodDisruptionBudget")
    for name in SERVICES:
        pod = deployments[name]["spec"]["template"]
        container = pod["spec"]["containers"][0]
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            assert container[probe]["httpGet"]["path"] == "/health", (name, probe)
        assert {"cpu", "memory"} <= set(container["resources"]["limits"])
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert pod["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(container["ports"][0]["containerPort"])
        assert pod["metadata"]["labels"]["app.kubernetes.io/name"] == name
        assert services[name]["spec"]["selector"] == deployments[name]["spec"]["selector"]["matchLabels"]
        if name in SINGLE_WRITERS:
            # each replica owns the share its ordinal names: a StatefulSet (never two pods of one
            # ordinal), told how many replicas there are, at most one per partition, no autoscaler
            spec = deployments[name]["spec"]
            assert deployments[name]["kind"] == "StatefulSet" and name not in hpas
            env = {e["name"]: e for e in container["env"]}
            assert int(env["HOKS_REPORT_REPLICAS"]["value"]) == spec["replicas"] <= 6
            assert env["HOKS_REPORT_REPLICA"]["valueFrom"]["fieldRef"]["fieldPath"] == \
                "metadata.labels['apps.kubernetes.io/pod-index']"
            assert services[spec["serviceName"]]["spec"]["clusterIP"] == "None"
        else:
            hpa = hpas[name]["spec"]
            assert hpa["scaleTargetRef"]["name"] == name
            # a consumer group cannot use more members than the topics have partitions
            assert hpa["maxReplicas"] <= 6 and hpa["minReplicas"] >= 2
        assert pdbs[name]["spec"]["selector"]["matchLabels"] == deployments[name]["spec"]["selector"]["matchLabels"]
    assert "Job" in {d["kind"] for d in docs}


def test_lag_overlay_scales_on_both_consumer_groups():
    hpas = by_kind(render_overlay(), "HorizontalPodAutoscaler")
    assert not SINGLE_WRITERS & set(hpas)
    for name in set(SERVICES) - SINGLE_WRITERS:
        external = [m for m in hpas[name]["spec"]["metrics"] if m["type"] == "External"]
        assert len(external) == 1
        assert external[0]["external"]["metric"]["name"] == "hoks_consumer_lag"
        groups = external[0]["external"]["metric"]["selector"]["matchExpressions"][0]["values"]
        assert groups == [f"hoks-{name}", f"hoks-{name}-sis"]
        assert any(m["type"] == "Resource" for m in hpas[name]["spec"]["metrics"])


def test_partition_count_matches_the_scaling_limit():
    from hoks_shared.topics import ALL_TOPICS

    assert {t.partitions for t in ALL_TOPICS} == {6}


def test_secrets_come_from_secret_references_and_the_scheduler_needs_its_feed_secret():
    docs = render_base()
    config = by_kind(docs, "ConfigMap")["hoks-config"]["data"]
    assert config["HOKS_AUTH_MODE"] == "oidc"
    assert not [k for k in config if "SECRET" in k or "PASSWORD" in k]  # no secret in the ConfigMap
    deployments = {**by_kind(docs, "Deployment"), **by_kind(docs, "StatefulSet")}
    for name in SERVICES:
        env = deployments[name]["spec"]["template"]["spec"]["containers"][0]["env"]
        assert not [e for e in env if ("SECRET" in e["name"] or "PASSWORD" in e["name"]) and "value" in e]
    scheduler = {e["name"]: e for e in deployments["scheduler"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    ref = scheduler["HOKS_SCHEDULER_FEED_SECRET"]["valueFrom"]["secretKeyRef"]
    assert ref["name"] and ref["key"] and not ref.get("optional", False)  # no secret, no start
