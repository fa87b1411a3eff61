"""The letterhead, signatory and contact details of the board's letters: content, with its history.

Content editors change and view it (migration reports 0004 gives them the permissions); there is one,
seeded, so nobody adds a second or deletes it.
"""

from django.contrib import admin

from cases.pathways.admin import ContentAdmin
from cases.reports.models import LetterSettings


@admin.register(LetterSettings)
class LetterSettingsAdmin(ContentAdmin):
    list_display = ("hospital_name", "department", "signatory_name", "updated_at")
    fieldsets = (
        ("Letterhead", {"fields": ("hospital_name", "department", "address", "telephone", "email")}),
        ("Signatory", {"fields": ("signatory_name", "signatory_title", "contact_note")}),
    )

    def has_add_permission(self, request) -> bool:
        # One letterhead, seeded by the migration and never deleted: the letters print it (LetterSettings.current).
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
