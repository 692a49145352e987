"""Site configuration: one TOML file describes the offices one server runs.

    load_site(path) -> Site          read and check a file (ConfigError lists every problem)
    parse_site(data, source) -> Site check what tomllib parsed
    demo_site(offices=1) -> Site     the demo office, or a region of K copies of it
    main_check_config(argv) -> int   `talon-server check-config FILE`
    main_hash_password(argv) -> int  `talon-server hash-password`

The format is documented key by key in docs/configuration.md.
"""

from .cli import main_check_config
from .demo import DEMO_FILE, demo_site
from .loader import load_site, parse_site
from .passwords import hash_password, main_hash_password, needs_rehash, verify_password
from .site import (
    Account,
    Device,
    DeviceKind,
    DisplayLayout,
    OfficeConfig,
    PrinterModel,
    PrinterSpec,
    PrintMode,
    Site,
)
from .tables import ConfigError

__all__ = [
    "DEMO_FILE", "Account", "ConfigError", "Device", "DeviceKind", "DisplayLayout", "OfficeConfig",
    "PrintMode", "PrinterModel", "PrinterSpec", "Site", "demo_site", "hash_password", "load_site",
    "main_check_config", "main_hash_password", "needs_rehash", "parse_site", "verify_password",
]
