"""Uploads bounded before they cost: memory, disk and decoding.

`BoundedUploadHandler` comes first in FILE_UPLOAD_HANDLERS. A request whose
body is larger than UPLOAD_MAX_BYTES is not read at all (the connection is
dropped: no one sends 30 MB of photos by mistake); a single file larger than
UPLOAD_FILE_MAX_BYTES is read to its end but never stored, in memory or on
disk. Either way `refusal(request)` says why, for the form to show.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.utils.translation import gettext as _


class BoundedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding):
        self.too_large = content_length > settings.UPLOAD_MAX_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file_bytes = 0
        if self.too_large:
            _refuse(self.request, "body")
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        self.file_bytes += len(raw_data)
        if self.file_bytes > settings.UPLOAD_FILE_MAX_BYTES:
            _refuse(self.request, "file")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _refuse(request, what: str) -> None:
    request._upload_refused = what


def refusal(request) -> str:
    """Why an upload was left out of the request, or ""."""
    what = getattr(request, "_upload_refused", "")
    if what == "body":
        return _("Photos may be at most %(mb)s MB together; nothing was saved.") % {
            "mb": settings.UPLOAD_MAX_BYTES >> 20
        }
    if what == "file":
        return _("A photo may be at most %(mb)s MB; nothing was saved.") % {
            "mb": settings.UPLOAD_FILE_MAX_BYTES >> 20
        }
    return ""
