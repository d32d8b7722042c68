"""Reference data is read in one place, from the folder the settings name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from config.reference import FILES, load_reference, reference
from config.settings import Settings
from config.sources import sources

CONFIG = Path(__file__).resolve().parents[2] / "config"


def test_the_settings_name_the_folder_and_each_folder_is_read_once(tmp_path: Path) -> None:
    for name in FILES:
        shutil.copy(CONFIG / f"{name}.json", tmp_path / f"{name}.json")
    registry = json.loads((tmp_path / "sources.json").read_text())
    registry["sources"] = registry["sources"][:1]
    (tmp_path / "sources.json").write_text(json.dumps(registry))
    settings = Settings(reference_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    office = reference(settings)
    assert office is load_reference(tmp_path) and office.directory == tmp_path
    assert len(office.sources) == 1 and list(sources(settings)) == [registry["sources"][0]["id"]]
    shipped = reference(Settings(_env_file=None))  # type: ignore[call-arg]
    assert shipped.directory == CONFIG and len(shipped.sources) > 1 and shipped.actors == office.actors
    assert shipped.raw["actors.json"] == (CONFIG / "actors.json").read_bytes()  # the enrichment data version
