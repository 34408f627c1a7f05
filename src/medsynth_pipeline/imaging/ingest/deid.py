"""De-identification guards for ingest: what must never leave a DICOM header, and patient pseudonyms.

Ingest copies an allow-list of header fields into its outputs (ids, UIDs, descriptions, geometry). As a
second line of defence, the values of the direct identifiers below are collected while scanning (kept in
memory only) and any output cell containing one is redacted before it is written.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable

import pandas as pd
import pydicom
from pydicom.datadict import tag_for_keyword

#: Direct identifiers of the DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile:
#: names, birth data, addresses, telephone numbers, other ids and free-text fields about the person.
#: PatientID is not listed: it is the join key (ProstateX ids are already pseudonyms) and can be
#: replaced by a salted hash with ``ingest.pseudonymise``.
DIRECT_IDENTIFIER_KEYWORDS: tuple[str, ...] = (
    "PatientName",
    "PatientBirthDate",
    "PatientBirthTime",
    "PatientBirthName",
    "PatientAddress",
    "PatientTelephoneNumbers",
    "PatientMotherBirthName",
    "OtherPatientNames",
    "OtherPatientIDs",
    "OtherPatientIDsSequence",
    "MedicalRecordLocator",
    "MilitaryRank",
    "BranchOfService",
    "Occupation",
    "PatientInsurancePlanCodeSequence",
    "PatientReligiousPreference",
    "EthnicGroup",
    "AdditionalPatientHistory",
    "PatientComments",
    "ResponsiblePerson",
    "ReferringPhysicianName",
    "ReferringPhysicianAddress",
    "ReferringPhysicianTelephoneNumbers",
    "PerformingPhysicianName",
    "NameOfPhysiciansReadingStudy",
    "PhysiciansOfRecord",
    "RequestingPhysician",
    "OperatorsName",
    "InstitutionName",
    "InstitutionAddress",
    "InstitutionalDepartmentName",
    "StationName",
    "AccessionNumber",
    "StudyID",
    "RequestAttributesSequence",
)

_IDENTIFIER_TAGS = tuple(int(tag_for_keyword(k)) for k in DIRECT_IDENTIFIER_KEYWORDS)
# Values this short ("M", "0", "NA") occur everywhere by chance; matching them would redact noise.
_MIN_IDENTIFIER_LENGTH = 4
_PN_SPLIT = re.compile(r"[\^=,\s]+")
_NOT_PERSONAL_VRS = frozenset({"CS", "UI", "AT", "US", "SS", "UL", "SL", "FL", "FD", "UV", "SV"})
_PLACEHOLDER_SPLIT = re.compile(r"[^a-z0-9]+")
#: Words anonymisers and test generators put in identifier fields; a value made only of them names nobody.
PLACEHOLDER_WORDS: frozenset[str] = frozenset(
    "anonymous anonymized anonymised anonymize anonymise anon deidentified de identified removed redacted "
    "patient name names first last given family unknown none null nil no info information not available "
    "applicable na n a test phantom doctor physician operator institution hospital department station "
    "xxx xxxx yyy zzz 0 00 000 0000 00000000".split()
)


def identifier_values(ds: pydicom.Dataset) -> frozenset[str]:
    """The non-trivial string values of ``ds``'s direct identifiers, and the parts of person names.

    Whole values for addresses and institutions (their single words, "Road" or "Royal", are too common
    to redact on), whole values and components for person names (``Doe^John`` -> ``Doe``, ``John``).
    """
    values: set[str] = set()
    for tag in _IDENTIFIER_TAGS:
        if tag not in ds:
            continue
        try:
            element = ds[tag]
            value = element.value
        except Exception:  # a garbled value is no identifier we could leak verbatim
            continue
        if value is None or value == "":
            continue
        for text in _strings(value):
            values.add(text)
            if element.VR == "PN":
                values.update(_PN_SPLIT.split(text))
    return frozenset(
        v.strip() for v in values if len(v.strip()) >= _MIN_IDENTIFIER_LENGTH and not is_placeholder(v)
    )


def is_placeholder(value: str) -> bool:
    """Whether a value is an anonymiser's filler ("ANONYMOUS", "NAME^PATIENT", "*NO INFO*") rather than
    data about a person: redacting on it would blank words such as "Patient" in every message."""
    words = [w for w in _PLACEHOLDER_SPLIT.split(value.lower()) if w]
    if len(set(value.strip())) == 1:  # "0000000", "XXXXXXXX", "--------"
        return True
    return bool(words) and all(w in PLACEHOLDER_WORDS for w in words)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, pydicom.Sequence):
        for item in value:
            for element in item:
                # coded and numeric values inside a sequence ("TEXT", "YES", UIDs) name nobody, and
                # redacting on them blanked words such as "Text" in "Basic Text SR"
                if element.VR not in _NOT_PERSONAL_VRS:
                    yield from _strings(element.value)
    elif isinstance(value, list | tuple | pydicom.multival.MultiValue):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, bytes):
        return
    elif value is not None:
        yield str(value)


def redact_identifiers(
    frame: pd.DataFrame, identifiers: Iterable[str], *, skip_columns: Iterable[str] = ()
) -> tuple[pd.DataFrame, int]:
    """Replace every string cell that contains an identifier value by ``"<redacted>"``.

    Returns the cleaned copy and the number of redacted cells. ``skip_columns`` are left alone
    (file paths: redacting them would break reading; ingest warns about them separately).
    """
    needles = sorted({i.lower() for i in identifiers}, key=len, reverse=True)
    if not needles or frame.empty:
        return frame, 0
    pattern = identifier_pattern(needles)
    out = frame.copy()
    redacted = 0
    for column in out.columns:
        if column in set(skip_columns) or not (
            pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column])
        ):
            continue
        hits = out[column].map(lambda v: isinstance(v, str) and bool(pattern.search(v.lower())))
        if hits.any():
            redacted += int(hits.sum())
            out.loc[hits, column] = "<redacted>"
    return out, redacted


def redact_text(text: str, identifiers: Iterable[str]) -> str:
    """``text`` with every identifier value in it replaced by ``<redacted>`` (case-insensitive)."""
    needles = sorted({i for i in identifiers if i}, key=len, reverse=True)
    if not needles:
        return text
    return identifier_pattern(needles).sub("<redacted>", text)


def identifier_pattern(needles: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for all values, longest first. A value that begins or ends with a digit
    matches only where no digit continues it: a StudyID "1234" is not inside the number "512345"."""
    parts = []
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        before = r"(?<!\d)" if needle[0].isdigit() else ""
        after = r"(?!\d)" if needle[-1].isdigit() else ""
        parts.append(before + re.escape(needle) + after)
    return re.compile("|".join(parts), flags=re.IGNORECASE)


def path_contains_identifier(path: str, identifiers: Iterable[str]) -> bool:
    """Whether a file path spells out an identifier value (e.g. a folder named after the patient)."""
    lowered = path.lower()
    return any(i.lower() in lowered for i in identifiers)


class Pseudonymiser:
    """Maps patient ids and UIDs to salted SHA-256 pseudonyms, or leaves them unchanged when disabled.

    The salt comes from an environment variable, never from the parameters: kedro-mlflow logs every
    parameter, and a logged salt would let anyone re-identify the pseudonyms.
    """

    def __init__(self, *, enabled: bool, salt_env: str = "MEDSYNTH_PSEUDONYM_SALT", prefix: str = "anon-"):
        self.enabled = bool(enabled)
        self.prefix = prefix
        self._salt = b""
        if self.enabled:
            salt = os.environ.get(salt_env, "")
            if not salt:
                raise ValueError(
                    f"ingest.pseudonymise.enabled is true but the environment variable {salt_env} "
                    "holding the secret salt is empty; set it (and keep it out of conf/ and MLflow)"
                )
            self._salt = salt.encode()

    def _digest(self, value: str) -> bytes:
        return hashlib.sha256(self._salt + b"\x00" + value.encode()).digest()

    def patient_id(self, value: str) -> str:
        """A stable pseudonym such as ``anon-3f2a9c0d1b7e`` (or ``value`` itself when disabled)."""
        if not self.enabled:
            return value
        return self.prefix + self._digest(value).hex()[:12]

    def uid(self, value: str) -> str:
        """A valid DICOM UID (``2.25.<128-bit int>``) derived from ``value`` (or ``value`` when disabled)."""
        if not self.enabled or not value:
            return value
        return "2.25." + str(int.from_bytes(self._digest("uid:" + value)[:16], "big"))
