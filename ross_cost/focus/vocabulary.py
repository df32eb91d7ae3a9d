"""FOCUS 1.3 allowed values and value formats (shared by the conformance checks and the importer). Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping

CHARGE_CATEGORIES = frozenset({"Usage", "Purchase", "Tax", "Credit", "Adjustment"})
CHARGE_CLASSES = frozenset({"Correction"})
CHARGE_FREQUENCIES = frozenset({"One-Time", "Recurring", "Usage-Based"})
PRICING_CATEGORIES = frozenset({"Standard", "Dynamic", "Committed", "Other"})
USED_UNUSED = frozenset({"Used", "Unused"})

#: ServiceCategory -> its ServiceSubcategory values (FOCUS 1.3; same list in the validator's 1.2 model).
SUBCATEGORIES: Mapping[str, tuple[str, ...]] = {
    "AI and Machine Learning": (
        "AI Platforms", "Bots", "Generative AI", "Machine Learning", "Natural Language Processing",
    ),
    "Analytics": (
        "Analytics Platforms", "Business Intelligence", "Data Processing", "Search", "Streaming Analytics",
    ),
    "Business Applications": ("Productivity and Collaboration",),
    "Compute": ("Containers", "End User Computing", "Quantum Compute", "Serverless Compute", "Virtual Machines"),
    "Databases": (
        "Caching", "Data Warehouses", "Ledger Databases", "NoSQL Databases", "Relational Databases",
        "Time Series Databases",
    ),
    "Developer Tools": (
        "Developer Platforms", "Continuous Integration and Deployment", "Development Environments",
        "Source Code Management", "Quality Assurance",
    ),
    "Identity": ("Identity and Access Management",),
    "Integration": ("API Management", "Messaging", "Workflow Orchestration"),
    "Internet of Things": ("IoT Analytics", "IoT Platforms"),
    "Management and Governance": (
        "Architecture", "Compliance", "Cost Management", "Data Governance", "Disaster Recovery",
        "Endpoint Management", "Observability", "Support",
    ),
    "Media": ("Content Creation", "Gaming", "Media Streaming", "Mixed Reality"),
    "Migration": ("Data Migration", "Resource Migration"),
    "Mobile": (),
    "Multicloud": ("Multicloud Integration",),
    "Networking": (
        "Application Networking", "Content Delivery", "Network Connectivity", "Network Infrastructure",
        "Network Routing", "Network Security",
    ),
    "Security": ("Secret Management", "Security Posture Management", "Threat Detection and Response"),
    "Storage": ("Backup Storage", "Block Storage", "File Storage", "Object Storage", "Storage Platforms"),
    "Web": ("Application Platforms",),
    "Other": (),
}  # fmt: skip
SERVICE_CATEGORIES = frozenset(SUBCATEGORIES)
#: Subcategory -> its one parent category; every category also has "Other (<category>)".
PARENT_CATEGORY: Mapping[str, str] = {
    **{sub: category for category, subs in SUBCATEGORIES.items() for sub in subs},
    **{f"Other ({category})": category for category in SUBCATEGORIES},
}

#: FOCUS-defined SkuPriceDetails keys; any other key must start with `x_`.
SKU_PRICE_DETAIL_KEYS = frozenset(
    {
        "CoreCount", "DiskMaxIops", "DiskSpace", "DiskType", "GpuCount", "InstanceType", "InstanceSeries",
        "MemorySize", "NetworkMaxIops", "NetworkMaxThroughput", "OperatingSystem", "Redundancy", "StorageClass",
    }
)  # fmt: skip

#: Strings the null-handling attribute forbids as stand-ins for a missing value (compared case-insensitively).
PLACEHOLDERS = frozenset({"", "null", "n/a", "not applicable"})

#: Date/Time: UTC, `YYYY-MM-DDTHH:mm:ssZ` (FOCUS DateTimeFormat).
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
#: NumericFormat: optional `-`, digits with an optional fraction, optional exponent whose sign may only be `-`.
NUMERIC_RE = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE]-?\d+)?")
#: Our stricter writing rule: plain, with a decimal point (readers that infer types then see a decimal).
PLAIN_DECIMAL_RE = re.compile(r"-?\d+\.\d+")
INTEGER_RE = re.compile(r"-?\d+")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
#: Custom column names: `x_` then PascalCase letters and digits.
CUSTOM_COLUMN_RE = re.compile(r"x_[A-Z][A-Za-z0-9]*")

_DATA_SIZES = "b|Kb|Mb|Gb|Tb|Pb|Eb|B|KB|MB|GB|TB|PB|EB|Kib|Mib|Gib|Tib|Pib|Eib|KiB|MiB|GiB|TiB|PiB|EiB"
_TIME_ONE = "Year|Month|Day|Hour|Minute|Second"
_TIME_MANY = "Years|Months|Days|Hours|Minutes|Seconds"
#: A count unit: capitalised words ("Tokens", "Read Units", "vCPU" is not allowed: counts are capitalised).
_COUNT = r"[A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)*"
_UNIT = f"(?:{_DATA_SIZES}|{_COUNT})"
#: UnitFormat, stricter than focus-validator 2.2.1 (which accepts lowercase count units such as `tokens`).
UNIT_RE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            f"(?:[1-9][0-9]* )?{_UNIT}",  # Tokens, 1000000 Tokens, GB
            f"{_UNIT}-(?:{_TIME_MANY})",  # GB-Hours
            f"{_UNIT}/(?:{_TIME_ONE})",  # Requests/Day
            f"{_UNIT}/[1-9][0-9]* (?:{_TIME_MANY})",  # Requests/3 Months
        )
    )
)
