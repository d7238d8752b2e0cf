"""Real servers for the deployment tests, started here and stopped when the session ends.

- ``postgres``: Debian's PostgreSQL (``initdb`` + ``pg_ctl`` from /usr/lib/postgresql/*/bin) in a temporary
  folder on a free loopback port, with password authentication. PostgreSQL refuses to run as root, so as
  root it runs as the ``postgres`` system user (``runuser``). Skipped locally when the binaries are absent;
  in CI (``CI`` set) their absence is an error, and ``.ci/run`` installs the ``postgresql`` package.
- ``s3``: moto's S3-compatible server (``ThreadedMotoServer``) on a free loopback port, reached through the
  standard AWS environment (``AWS_ENDPOINT_URL``), exactly as a deployment would configure s3fs.
"""

import glob
import logging
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import _free_port

DEPLOY = ROOT / "deploy"
PG_USER, PG_PASSWORD, PG_DB = "dagster", "govreports-test-password", "dagster"


def instance_home(tmp_path: Path, example: str) -> Path:
    """A DAGSTER_HOME whose dagster.yaml is one of the shipped examples (deploy/dagster.<example>.yaml), unchanged."""
    home = tmp_path / f"home_{example}"
    home.mkdir()
    shutil.copy(DEPLOY / f"dagster.{example}.yaml", home / "dagster.yaml")
    return home


@dataclass
class Postgres:
    """A running PostgreSQL server and the environment deploy/dagster.postgres.yaml reads."""

    port: int
    data: Path

    @property
    def env(self) -> dict[str, str]:
        return {"DAGSTER_PG_USER": PG_USER, "DAGSTER_PG_PASSWORD": PG_PASSWORD, "DAGSTER_PG_HOST": "127.0.0.1",
                "DAGSTER_PG_PORT": str(self.port), "DAGSTER_PG_DB": PG_DB}

    def connect(self):
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.port, user=PG_USER, password=PG_PASSWORD,
                                dbname=PG_DB)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL will not run as root: there, run it as the ``postgres`` system user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the PostgreSQL tests: .ci/run installs postgresql)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        _missing("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin; apt-get install postgresql)")
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root and there is no 'postgres' system user to run PostgreSQL as")
    base = Path(tempfile.mkdtemp(prefix="govreports-pg-"))  # not under pytest's root-only 0700 tmp folders
    data, password_file = base / "data", base / "password"
    password_file.write_text(PG_PASSWORD)
    if os.geteuid() == 0:
        os.chown(base, server_user.pw_uid, server_user.pw_gid)
        os.chown(password_file, server_user.pw_uid, server_user.pw_gid)
    server = Postgres(port=_free_port(), data=data)
    run = {"check": True, "capture_output": True, "text": True, "stdin": subprocess.DEVNULL}
    subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", PG_USER, "-E", "UTF8",
                                    f"--pwfile={password_file}", "--auth=scram-sha-256"]), **run)
    options = f"-p {server.port} -c listen_addresses=127.0.0.1 -k {base}"
    subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                    str(base / "server.log"), "-w", "-t", "60", "start"]), **run)
    try:
        subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", PG_USER, PG_DB],
                       env={**os.environ, "PGPASSWORD": PG_PASSWORD}, **run)
        yield server
    finally:
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True, stdin=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class S3Server:
    """A running S3-compatible server and the AWS environment that points s3fs at it."""

    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "govreports-test",
                "AWS_SECRET_ACCESS_KEY": "govreports-test", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Server(endpoint=f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture()
def s3(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[S3Server]:
    """The S3 environment for one test (no AWS config files of this machine are read); fsspec's cached
    filesystems are dropped afterwards so no other test reuses this endpoint."""
    import s3fs

    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    s3fs.S3FileSystem.clear_instance_cache()
    yield s3_server
    s3fs.S3FileSystem.clear_instance_cache()
