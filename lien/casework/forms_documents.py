from django import forms
from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from lien.casework import services_documents as services


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Keep an uploaded document in memory, never in a plaintext temporary file, and drop a
    file past `max_bytes` (the view has already refused requests declaring more)."""

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File to attach"))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("For example: identity card, CPAS decision. Empty: the file's name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept = ",".join(f".{ext}" for ext in services.accepted_extensions())
        self.fields["file"].widget.attrs["accept"] = accept

    def clean_file(self):
        upload = self.cleaned_data["file"]
        services.check_size(upload.size)
        content = upload.read()
        name = services.clean_file_name(upload.name)
        services.detect_content_type(content, name)
        self.content = content
        return upload
