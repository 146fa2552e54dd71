"""verify-evidence: re-check every hash and the chain of a bundle, and say it in one line.

Nothing is unpacked to disk: each file is read from the zip a piece at a time and
hashed.  The chain is checked end to end from the manifest's skeleton, the chosen
records' content against their hashes, the manifest's entries, files, CSV and README
are made again from the records and compared, and any file the manifest does not
list is named.  What the log check said when the bundle was made is repeated.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetycheck.evidence.log import chain_hash, digest_of, genesis
from safetycheck.evidence.manifest import FORMAT, derive, to_csv

MAX_MANIFEST_BYTES = 256 * 1000**2
PIECE = 1 << 20
WRONG_PASSPHRASE = "The passphrase is not the one this bundle was protected with."


class VerifyError(Exception):
    """The bundle cannot be checked at all (not a bundle, no passphrase); for people."""


@dataclass
class BundleCheck:
    entries: int = 0
    files: int = 0
    fingerprint: str = ""
    problems: list[str] = field(default_factory=list)
    log_check: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        if self.ok:
            line = (
                f"Bundle intact: {self.entries} entr{'y' if self.entries == 1 else 'ies'}, "
                f"{self.files} file{'' if self.files == 1 else 's'} and the case record match "
                f"their hashes, and the log's chain is whole (fingerprint {self.fingerprint})."
            )
            if self.log_check and "Does not match" in self.log_check:
                line += f" When it was made: {self.log_check}"
            return line
        shown = "; ".join(self.problems[:6])
        if len(self.problems) > 6:
            shown += f"; and {len(self.problems) - 6} more"
        return f"Bundle NOT intact: {shown}."


def _open(path: Path, passphrase: str | None) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise VerifyError(
            f"{path} is not an evidence bundle SafetyCheck can read ({exc})."
        ) from exc
    if not any(info.flag_bits & 0x1 for info in archive.infolist()):
        return archive
    archive.close()
    if passphrase is None:
        raise VerifyError(
            "This bundle is protected with a passphrase. Give it in "
            "SAFETYCHECK_BUNDLE_PASSPHRASE or type it when asked."
        )
    import pyzipper

    protected = pyzipper.AESZipFile(path)
    protected.setpassword(passphrase.encode("utf-8"))
    return protected  # type: ignore[no-any-return]


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise VerifyError(f"{name} is too large to be a SafetyCheck manifest.")
    with archive.open(info) as source:
        return source.read(limit + 1)[:limit]


def _hash(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with archive.open(name) as source:
        while piece := source.read(PIECE):
            sha.update(piece)
            size += len(piece)
    return sha.hexdigest(), size


def verify_bundle(path: str | Path, passphrase: str | None = None) -> BundleCheck:
    path = Path(path)
    result = BundleCheck()
    archive = _open(path, passphrase)
    with archive:
        names = set(archive.namelist())
        if "manifest.json" not in names:
            raise VerifyError(f"{path.name} has no manifest.json, so it is not an evidence bundle.")
        try:
            manifest = json.loads(_read(archive, "manifest.json", MAX_MANIFEST_BYTES))
        except RuntimeError as exc:  # pyzipper: a wrong password
            raise VerifyError(WRONG_PASSPHRASE) from exc
        except (ValueError, UnicodeDecodeError):
            result.problems.append("manifest.json is damaged (it is not valid JSON)")
            return result
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise VerifyError(f"{path.name} is not a SafetyCheck evidence bundle.")
        try:
            _check(archive, names, manifest, result)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            result.problems.append(f"the manifest is not in the expected form ({exc})")
        except RuntimeError as exc:
            raise VerifyError(WRONG_PASSPHRASE) from exc
    return result


def _check(
    archive: zipfile.ZipFile, names: set[str], manifest: dict[str, Any], result: BundleCheck
) -> None:
    problems = result.problems
    chain: list[dict[str, Any]] = manifest["chain"]
    records: dict[str, Any] = manifest["records"]
    result.log_check = str(manifest.get("log_check", ""))
    prev = genesis(str(manifest["case"]["id"]))
    for index, link in enumerate(chain):
        where = f"record {index + 1} of the log"
        if link["seq"] != index:
            problems.append(f"{where} is out of place (a record is missing or moved)")
        if link["prev"] != prev:
            problems.append(f"{where} does not follow the record before it")
        expected = chain_hash(
            link["prev"],
            link["seq"],
            link["kind"],
            link["id"],
            link["entry"],
            link["recorded_at"],
            link["zone"],
            link["digest"],
        )
        if expected != link["hash"]:
            problems.append(f"{where} was changed (its chain hash does not match)")
        content = records.get(str(link["seq"]))
        if link["included"] and content is None and not link.get("erased_at"):
            problems.append(f"{where} should be in the bundle and is not")
        if content is not None and digest_of(content) != link["digest"]:
            number = link.get("entry_number")
            problems.append(f"entry {number} was changed (its content does not match its hash)")
        prev = link["hash"]
    result.fingerprint = prev
    if chain and manifest.get("log_fingerprint") != prev:
        problems.append("the log fingerprint in the manifest is not the chain's last hash")
    entries, files = derive(chain, records, bool(manifest.get("protected")))
    if entries != manifest["entries"] or files != manifest["files"]:
        problems.append("the manifest's list of entries or files does not match its records")
    result.entries = len(manifest["entries"])
    result.files = len(manifest["files"])
    listed = {"manifest.json", "manifest.csv", "README.txt", "record.pdf"}
    if "manifest.csv" not in names:
        problems.append("manifest.csv is missing")
    elif _read(archive, "manifest.csv", MAX_MANIFEST_BYTES) != to_csv(manifest):
        problems.append("manifest.csv does not match manifest.json")
    if "README.txt" in names:
        from safetycheck.evidence.bundle import readme

        if _read(archive, "README.txt", MAX_MANIFEST_BYTES).decode("utf-8", "replace") != readme(
            manifest
        ):
            problems.append("README.txt was changed")
    for item in [*manifest["files"], manifest["record_pdf"]]:
        name = item["path"]
        listed.add(name)
        if name not in names:
            problems.append(f"{name} is missing")
            continue
        sha256, size = _hash(archive, name)
        if sha256 != item["sha256"] or size != item["size"]:
            problems.append(f"{name} is not the file that was recorded")
    for extra in sorted(names - listed):
        if not extra.endswith("/"):
            problems.append(f"{extra} is in the bundle but not in its manifest")
