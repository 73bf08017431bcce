"""Tells whether a project file lies in a cloud-sync folder or on a network share (risky for SQLite)."""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from PySide6.QtCore import QStorageInfo

from klyngedesk.i18n import tr

# Folder names the sync clients create, lower case, matched against every part of the path.
_SYNC_FOLDERS = {
    "onedrive": "OneDrive", "dropbox": "Dropbox", "icloud drive": "iCloud", "iclouddrive": "iCloud",
    "mobile documents": "iCloud", "google drive": "Google Drive", "googledrive": "Google Drive",
    "my drive": "Google Drive", "min drev": "Google Drive",
}
_NETWORK_FS = {"cifs", "smb", "smbfs", "smb2", "smb3", "nfs", "nfs4", "afpfs", "webdav", "davfs", "fuse.sshfs",
               "9p", "ncpfs"}


def sync_service(path: str | PurePath) -> str | None:
    """The cloud service whose folder holds `path` ("OneDrive", "Dropbox", ...), or None."""
    for part in re.split(r"[\\/]", str(path)):  # Windows and POSIX separators alike
        lowered = part.lower()
        for folder, service in _SYNC_FOLDERS.items():
            if lowered == folder or lowered.startswith(folder + " -") or lowered.startswith(folder + "-"):
                return service
    return None


def on_network_share(path: str | PurePath) -> bool:
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    folder = Path(text).parent
    info = QStorageInfo(str(folder))
    return info.isValid() and bytes(info.fileSystemType().data()).decode(errors="ignore").lower() in _NETWORK_FS


def storage_warning(path: str | PurePath, lang: str) -> str | None:
    """A warning for the user, or None when the file lies on a local disk."""
    service = sync_service(path)
    if service:
        return tr("This project lies in a {service} folder. Sync programs can copy a half-written file and "
                  "create conflict copies; keep the project on the PC's own disk and let {service} sync a "
                  "backup copy instead.", lang, service=service)
    if on_network_share(path):
        return tr("This project lies on a network share. If the connection drops while you work, changes can "
                  "be lost; keep the project on the PC's own disk.", lang)
    return None
