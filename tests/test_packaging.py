"""The app works as a plain (non-editable) install and as a PyInstaller bundle, not only from
the source checkout: every data file is declared, and resources are found in all three layouts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLE_ENV = "LIANGHENG_BUNDLE_DIR"  # reuse an existing dist/liangheng instead of building

pytestmark = pytest.mark.slow


def run(
    cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", BUNDLE_ENV)}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel and installed, without its dependencies, into a folder."""
    work = tmp_path_factory.mktemp("wheel")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "wheels"),
            str(REPO),
        ],
        cwd=work,
    )
    (wheel,) = (work / "wheels").glob("liangheng-*.whl")
    target = work / "site"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        cwd=work,
    )
    return target


def test_plain_install_finds_every_resource_inside_the_install(
    installed: Path, tmp_path: Path
) -> None:
    env = clean_env(PYTHONPATH=str(installed), LIANGHENG_HOME=str(tmp_path))
    # The working directory is not the checkout, so only the installed copy can be imported.
    done = run([sys.executable, "-m", "desktop", "info", "--json"], cwd=tmp_path, env=env)
    facts = json.loads(done.stdout)
    assert Path(facts["resource_dir"]).is_relative_to(installed)
    assert facts["icon"]
    for key in ("regular", "bold"):
        assert Path(facts["fonts"][key]).is_relative_to(installed)


def test_plain_install_carries_every_data_file_of_the_checkout(installed: Path) -> None:
    """Every non-Python file the packages ship in the source tree is in the install too."""
    missing = []
    for package in ("resources", "checklists"):
        for source in (REPO / package).rglob("*"):
            if source.is_file() and source.suffix not in (".py", ".pyc"):
                relative = source.relative_to(REPO)
                if "__pycache__" not in relative.parts and not (installed / relative).is_file():
                    missing.append(str(relative))
    assert not missing, f"not declared as package data: {missing}"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/liangheng built with build.spec (or the folder named by LIANGHENG_BUNDLE_DIR)."""
    existing = os.environ.get(BUNDLE_ENV)
    if existing:
        return Path(existing)
    work = tmp_path_factory.mktemp("pyinstaller")
    pyinstaller = shutil.which("pyinstaller", path=str(Path(sys.executable).parent))
    assert pyinstaller, "pyinstaller is a test dependency"
    run(
        [
            pyinstaller,
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(REPO / "build.spec"),
        ],
        cwd=REPO,
        timeout=900,
    )
    return work / "dist" / "liangheng"


def exe(bundle: Path, name: str) -> Path:
    return bundle / (f"{name}.exe" if sys.platform == "win32" else name)


def test_bundle_has_the_gui_and_the_console_executables(bundle: Path) -> None:
    assert exe(bundle, "liangheng").is_file()
    assert exe(bundle, "liangheng-cli").is_file()


def test_frozen_version_runs(bundle: Path, tmp_path: Path) -> None:
    from desktop import __version__

    done = run([str(exe(bundle, "liangheng-cli")), "--version"], cwd=tmp_path, env=clean_env())
    assert done.stdout.strip() == f"liangheng {__version__}"


def test_frozen_app_finds_its_resources_inside_the_bundle(bundle: Path, tmp_path: Path) -> None:
    env = clean_env(LIANGHENG_HOME=str(tmp_path))
    done = run([str(exe(bundle, "liangheng-cli")), "info", "--json"], cwd=tmp_path, env=env)
    facts = json.loads(done.stdout)
    assert facts["frozen"] is True
    assert facts["data_dir"] == str(tmp_path)
    for key in ("regular", "bold"):
        assert Path(facts["fonts"][key]).resolve().is_relative_to(bundle.resolve())
    assert Path(facts["icon"]).resolve().is_relative_to(bundle.resolve())


def test_frozen_app_loads_the_shipped_checklists_and_rule_tables(
    bundle: Path, tmp_path: Path
) -> None:
    env = clean_env(LIANGHENG_HOME=str(tmp_path))
    cli = str(exe(bundle, "liangheng-cli"))
    listed = json.loads(run([cli, "checklist", "list", "--json"], cwd=tmp_path, env=env).stdout)
    assert {"fuel_station", "trade_market", "prepackaged", "honest_pledge"} <= {
        entry["id"] for entry in listed
    }
    done = run(
        [
            cli,
            "calc",
            "dispenser",
            "--indicated",
            "20.00",
            "--measure-volume",
            "19.93",
            "--fuel",
            "petrol",
            "--t-nozzle",
            "24",
            "--t-measure",
            "24",
            "--measure-material",
            "stainless",
        ],
        cwd=tmp_path,
        env=env,
    )
    result = json.loads(done.stdout)
    assert result["verdict"] == "fail"
    assert result["numbers"]["runs"][0]["error_percent"] == "0.33"


def test_frozen_gui_starts_and_reports_its_startup_time(bundle: Path, tmp_path: Path) -> None:
    env = clean_env(LIANGHENG_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    done = run(
        [str(exe(bundle, "liangheng-cli")), "--startup-check"], cwd=tmp_path, env=env, timeout=120
    )
    assert done.stdout.strip().isdigit()


def test_linux_bundle_stays_under_200_mb(bundle: Path) -> None:
    size = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"\nbundle size: {size / 1e6:.0f} MB")
    assert size < 200_000_000


def test_frozen_app_makes_a_demo_database_and_exports_a_pdf(bundle: Path, tmp_path: Path) -> None:
    env = clean_env(LIANGHENG_HOME=str(tmp_path))
    cli = str(exe(bundle, "liangheng-cli"))
    db = tmp_path / "demo.sqlite3"
    run([cli, "demo", "--db", str(db), "--inspections", "40", "--seed", "2"], cwd=tmp_path, env=env)
    listed = json.loads(
        run([cli, "list", "inspections", "--db", str(db), "--json"], cwd=tmp_path, env=env).stdout
    )
    assert len(listed) == 40
    pdf = tmp_path / "record.pdf"
    run(
        [cli, "export", "pdf", "--db", str(db), "--inspection", listed[0]["id"], "-o", str(pdf)],
        cwd=tmp_path,
        env=env,
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    run([cli, "verify", "--db", str(db)], cwd=tmp_path, env=env)


def test_frozen_app_carries_a_bundle_from_a_laptop_to_the_office(
    bundle: Path, tmp_path: Path
) -> None:
    env = clean_env(LIANGHENG_HOME=str(tmp_path))
    cli = str(exe(bundle, "liangheng-cli"))
    laptop, office = tmp_path / "laptop.sqlite3", tmp_path / "office.sqlite3"
    run([cli, "demo", "--db", str(laptop), "--inspections", "30", "--seed", "3"], cwd=tmp_path,
        env=env)  # fmt: skip
    made = tmp_path / "stick.lhb"
    out = run([cli, "bundle", "export", "--db", str(laptop), "-o", str(made)], cwd=tmp_path,
              env=env).stdout  # fmt: skip
    assert out.strip() == str(made)
    out = run([cli, "bundle", "import", "--db", str(office), str(made)], cwd=tmp_path,
              env=env).stdout  # fmt: skip
    assert "新增：检查记录 30 条" in out
    listed = json.loads(
        run(
            [cli, "list", "inspections", "--db", str(office), "--json"], cwd=tmp_path, env=env
        ).stdout
    )
    assert len(listed) == 30
    run([cli, "verify", "--db", str(office)], cwd=tmp_path, env=env)
