"""deploy/k8s/: every manifest valid against the schemas of a pinned Kubernetes version
(kubernetes-validate, offline), and what the schemas cannot see: exactly one beat, probes on the
health endpoint, resources on every container, secrets only by reference, documents on S3
unless the local-storage overlay is chosen."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.urls import resolve

K8S = Path(__file__).resolve().parent.parent / "deploy" / "k8s"
KUBERNETES = "1.32.0"  # a version the main managed services (AKS, EKS, GKE) all support
APP = ("sendco-web", "sendco-worker", "sendco-beat")
NOT_CONFIG = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY"}
NOT_CONFIG |= {"EMAIL_HOST_PASSWORD", "AWS_ACCESS_KEY_ID"}


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def resources(folder: Path) -> dict[tuple[str, str], dict]:
    """The resources a kustomization lists (folders followed), by (kind, name)."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    found = {}
    for entry in kustomization["resources"]:
        target = folder / entry
        if target.is_dir():
            found |= resources(target)
        else:
            found |= {(d["kind"], d["metadata"]["name"]): d for d in documents(target)}
    return found


def merge(base, patch):
    """A strategic merge as kustomize does it for these patches: maps merged key by key, lists
    of named items merged by name, anything else replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        return base | {key: merge(base[key], v) if key in base else v for key, v in patch.items()}
    named = isinstance(base, list) and isinstance(patch, list)
    if named and all(isinstance(item, dict) and "name" in item for item in base + patch):
        by_name = {item["name"]: item for item in base}
        for item in patch:
            old = by_name.get(item["name"])
            by_name[item["name"]] = item if old is None else merge(old, item)
        return list(by_name.values())
    return patch


def overlay(folder: Path) -> dict[tuple[str, str], dict]:
    """An overlay's resources with its patches applied."""
    found = resources(folder)
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    for entry in kustomization.get("patches", []):
        for patch in documents(folder / entry["path"]):
            key = (patch["kind"], patch["metadata"]["name"])
            assert key in found, f"{entry['path']} patches {key}, which is not there"
            found[key] = merge(found[key], patch)
    return found


BASE = resources(K8S)
LOCAL = overlay(K8S / "local-storage")
MIGRATE = documents(K8S / "migrate-job.yaml")
# The base, the Job, and the overlay's new and patched resources.
EVERY = [*BASE.values(), *MIGRATE, *(doc for doc in LOCAL.values() if doc not in BASE.values())]


def _id(doc: dict) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


@pytest.mark.parametrize("doc", EVERY, ids=_id)
def test_each_manifest_is_valid_for_the_pinned_kubernetes(doc):
    kubernetes_validate.validate(doc, KUBERNETES, strict=True)  # raises with the reason


def test_the_validator_would_see_a_mistake():
    web = copy.deepcopy(BASE[("Deployment", "sendco-web")])
    web["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(web, KUBERNETES, strict=True)
    web = copy.deepcopy(BASE[("Deployment", "sendco-web")])
    web["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):  # strict: unknown fields too
        kubernetes_validate.validate(web, KUBERNETES, strict=True)


def pod(name: str, found=BASE) -> dict:
    return found[("Deployment", name)]["spec"]["template"]


def containers(found=BASE):
    docs = [*found.values(), *MIGRATE]
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            yield from ((_id(doc), c) for c in doc["spec"]["template"]["spec"]["containers"])


def command(name: str) -> str:
    return " ".join(pod(name)["spec"]["containers"][0]["command"])


def test_web_worker_beat_service_ingress_and_configmap_are_there_and_no_volume_claim():
    kinds = sorted(BASE)
    assert kinds == sorted(
        [
            ("ConfigMap", "sendco-config"),
            ("Deployment", "sendco-beat"),
            ("Deployment", "sendco-web"),
            ("Deployment", "sendco-worker"),
            ("Ingress", "sendco"),
            ("Service", "sendco-web"),
        ]
    )
    assert [_id(doc) for doc in MIGRATE] == ["Job/sendco-migrate"]
    assert MIGRATE[0]["spec"]["template"]["spec"]["containers"][0]["command"][-2:] == [
        "migrate",
        "--noinput",
    ]


def test_exactly_one_beat_which_never_overlaps_itself_in_a_rollout():
    beat = BASE[("Deployment", "sendco-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert re.search(r"^celery -A sendco beat\b", command("sendco-beat"))
    runs_beat = [name for name in APP if re.search(r"\bbeat\b|\s(-B|--beat)\b", command(name))]
    assert runs_beat == ["sendco-beat"]
    assert re.search(r"^celery -A sendco worker\b", command("sendco-worker"))
    assert re.search(
        r"^gunicorn sendco\.wsgi:application --config gunicorn\.conf\.py$", command("sendco-web")
    )


def test_web_is_ready_only_when_the_health_check_passes():
    config = BASE[("ConfigMap", "sendco-config")]["data"]
    web = pod("sendco-web")["spec"]["containers"][0]
    for probe in ("readinessProbe", "startupProbe"):
        get = web[probe]["httpGet"]
        assert resolve(get["path"]).url_name == "healthz"
        assert get["port"] == "http"
        host = {h["name"]: h["value"] for h in get["httpHeaders"]}["Host"]
        assert host in config["ALLOWED_HOSTS"].split(",")  # or Django answers 400
    assert "tcpSocket" in web["livenessProbe"]  # a database outage must not restart every pod
    assert "inspect ping" in " ".join(
        pod("sendco-worker")["spec"]["containers"][0]["livenessProbe"]["exec"]["command"]
    )


def test_every_container_has_requests_and_limits():
    for name, container in containers():
        for bound in ("requests", "limits"):
            assert set(container["resources"][bound]) == {"cpu", "memory"}, (name, bound)


def test_secrets_only_by_reference():
    assert not any(doc["kind"] == "Secret" for doc in [*BASE.values(), *LOCAL.values()])
    config = BASE[("ConfigMap", "sendco-config")]["data"]
    assert not NOT_CONFIG & set(config)
    for name, container in containers():
        refs = container["envFrom"]
        assert {"secretRef": {"name": "sendco-secrets"}} in refs, name
        assert {"configMapRef": {"name": "sendco-config"}} in refs, name
        assert "env" not in container, name  # everything through the two references


def test_every_setting_in_the_configmap_is_one_sendco_reads():
    read = (K8S.parents[1] / "sendco" / "settings.py").read_text()
    read += (K8S.parents[1] / "gunicorn.conf.py").read_text()
    for found in (BASE, LOCAL):
        config = found[("ConfigMap", "sendco-config")]["data"]
        unknown = [key for key in config if f'"{key}"' not in read and key != "XDG_CACHE_HOME"]
        assert unknown == []


def test_documents_are_on_s3_unless_the_local_storage_overlay_is_chosen():
    assert BASE[("ConfigMap", "sendco-config")]["data"]["DOCUMENTS_STORAGE"] == "s3"
    config = LOCAL[("ConfigMap", "sendco-config")]["data"]
    assert config["DOCUMENTS_STORAGE"] == "local"
    claim = LOCAL[("PersistentVolumeClaim", "sendco-documents")]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]  # web and worker pods share it
    for name in ("sendco-web", "sendco-worker"):
        spec = pod(name, LOCAL)["spec"]
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert volumes["documents"]["persistentVolumeClaim"]["claimName"] == "sendco-documents"
        mounts = {m["name"]: m["mountPath"] for m in spec["containers"][0]["volumeMounts"]}
        assert mounts["documents"] == config["DOCUMENTS_ROOT"]
        assert config["MIS_IMPORT_DIR"].startswith(mounts["documents"])  # shared by every pod
        assert "tmp" in mounts  # the base's mounts are kept


def test_the_ingress_reaches_the_web_pods():
    service = BASE[("Service", "sendco-web")]
    labels = pod("sendco-web")["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    backend = BASE[("Ingress", "sendco")]["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"]["name"] == "sendco-web"
    assert backend["service"]["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    web = pod("sendco-web")["spec"]["containers"][0]
    assert {p["name"] for p in web["ports"]} == {"http"}


def test_one_image_for_every_process():
    assert len({container["image"] for _, container in containers()}) == 1
