"""``KioskLink``: the kiosk's narrow view of ``queue_protocol.qt_bridge.QtQueueClient``.

The model needs these things from the connection: its state, the office as the mirror has
it, whether this kiosk has a printer, the outcome of its ``ticket.issue`` and
``service.print_info`` requests (the result, a refusal with a code, or "no answer in time"),
the ``print`` notices of its printer, and a way to send both verbs (``send`` an
:class:`~kiosk.asked.Asked`) with a request id of its choosing (a retry must reuse it).  This
adapter turns the bridge's general signals into exactly those, so the model never sees
exceptions or tags.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QObject, Signal

from queue_protocol.client import DeviceToken, RequestError, RequestTimeout
from queue_protocol.qt_bridge import QtQueueClient
from queue_protocol.replies import PrintNotice

from .asked import ISSUE, PRINT_INFO, Asked

CLIENT_NAME = "talon-kiosk 0.1.0"
ISSUE_TAG = "issue:"
INFO_TAG = "info:"
TAGS = {ISSUE: ISSUE_TAG, PRINT_INFO: INFO_TAG}


class KioskLink(QObject):
    state_changed = Signal(str)              # a ConnectionState value
    office_changed = Signal(object)          # OfficeView: the mirror after a snapshot or an event
    snapshot_arrived = Signal()              # a fresh snapshot (the server's own word on availability)
    issue_ok = Signal(str, object)           # request id, the IssueResult as a dict
    issue_failed = Signal(str, str, str)     # request id, error code, message
    issue_timeout = Signal(str)              # request id: outcome unknown, retry with the same id
    info_ok = Signal(str, object)            # request id, the PrintInfoResult as a dict
    info_failed = Signal(str, str, str)      # request id, error code, message
    info_timeout = Signal(str)               # request id: outcome unknown, retry with the same id
    print_notice = Signal(object)            # PrintNotice

    def __init__(self, url: str, token: str, *, request_timeout: float = 15.0, parent: QObject | None = None,
                 **client_options: Any) -> None:
        super().__init__(parent)
        self.bridge = QtQueueClient(url, DeviceToken(token), client_name=CLIENT_NAME,
                                    request_timeout=request_timeout, parent=self, **client_options)
        self.bridge.state_changed.connect(self.state_changed)
        self.bridge.snapshot_received.connect(self._on_snapshot)
        self.bridge.mirror_changed.connect(self._on_mirror)
        self.bridge.notice_received.connect(self._on_notice)
        self.bridge.request_finished.connect(self._on_finished)
        self._started = False
        self._outcomes = {ISSUE_TAG: (self.issue_ok, self.issue_failed, self.issue_timeout),
                          INFO_TAG: (self.info_ok, self.info_failed, self.info_timeout)}

    @staticmethod
    def new_request_id() -> str:
        return f"kiosk-{uuid.uuid4().hex}"

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.bridge.start()

    def close(self) -> None:
        if self._started:
            self.bridge.stop()

    def send(self, asked: Asked) -> None:
        """Send ``asked`` with its own request id (again, after a reconnect); the answer comes as
        ``issue_ok`` / ``issue_failed`` / ``issue_timeout`` or ``info_ok`` / ``info_failed`` / ``info_timeout``."""
        self.bridge.send(asked.verb, asked.as_fields(), tag=TAGS[asked.verb] + asked.request_id,
                         request_id=asked.request_id)

    @property
    def has_printer(self) -> bool:
        """The server named a printer for this kiosk in its hello reply."""
        hello = self.bridge.hello
        return hello is not None and hello.printer is not None

    def _home(self) -> str | None:
        hello = self.bridge.hello
        return hello.office if hello is not None else None

    def _on_snapshot(self, office: str, _view: object) -> None:
        if office == (self._home() or office):
            self.snapshot_arrived.emit()

    def _on_mirror(self, office: str) -> None:
        if office != (self._home() or office):
            return
        view = self.bridge.view(office)
        if view is not None:
            self.office_changed.emit(view)

    def _on_notice(self, _office: str, notice: object) -> None:
        if isinstance(notice, PrintNotice):
            self.print_notice.emit(notice)

    def _on_finished(self, tag: str, ok: bool, result: object) -> None:
        prefix = next((p for p in self._outcomes if tag.startswith(p)), None)
        if prefix is None:
            return
        request_id = tag[len(prefix):]
        succeeded, failed, unknown = self._outcomes[prefix]
        if ok:
            succeeded.emit(request_id, dict(result) if isinstance(result, dict) else {})
        elif isinstance(result, RequestTimeout):
            unknown.emit(request_id)
        elif isinstance(result, RequestError):
            failed.emit(request_id, result.code, result.message)
        else:   # ClientClosed, or a bug: the outcome is unknown
            unknown.emit(request_id)
