"""Record reads of patient pages and refused requests in the access log.

A read is a page in PATIENT_PAGES answered 200 to a user who may view patient data: the entry names
the page's record by model and public UUID (never a name). A refusal is any 403 (a role that may not,
a failed CSRF check) and any request sent to the login page because it had no session. PDF downloads
record themselves (cases/reports/views.py); logins, logouts and failed logins come from the auth
signals (cases/audit/signals.py). Lockouts (429) are recorded by their own signal, not here.
"""

from cases.access import Action, can
from cases.audit.log import record_access
from cases.audit.models import AccessAction

# URL name -> (model label, URL keyword holding the record's public_id, or None for a list).
# tests/security/test_permission_matrix.py checks every URL against this table: a new page that
# shows patient data must be added here (or record itself, like the PDF downloads).
PATIENT_PAGES: dict[str, tuple[str, str | None]] = {
    "dashboard": ("patients.case", None),
    "patients:patient_list": ("patients.patient", None),
    "patients:patient_detail": ("patients.patient", "public_id"),
    "patients:patient_edit": ("patients.patient", "public_id"),
    "patients:case_create": ("patients.patient", "public_id"),
    "patients:case_list": ("patients.case", None),
    "meetings:case_detail": ("patients.case", "public_id"),
    "patients:case_edit": ("patients.case", "public_id"),
    "pathways:step": ("patients.case", "public_id"),
    # The cases a guideline draft would change (clinicians and chairs): a list of cases.
    "pathways:impact_cases": ("patients.case", None),
    "meetings:detail": ("meetings.meeting", "public_id"),
    "meetings:agenda_search": ("patients.case", None),
    "meetings:present_item": ("meetings.agendaitem", "item_id"),
    "meetings:decision": ("meetings.decision", "public_id"),
    # The follow-up worklist: planned treatments and actions, with their patients' names.
    "meetings:follow_up": ("meetings.decidedoption", None),
    # The dry run of an import shows the file's patients, row by row.
    "patients:import_detail": ("patients.patientimport", "public_id"),
    # The cases behind one of the board's figures (chairs and clinicians): a list of cases.
    "reports:board_cases": ("patients.case", None),
}
# The patient searches are POSTs (names never go into URLs) that answer with the matching patients.
READ_BY_POST = {"patients:patient_list", "meetings:agenda_search"}


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        self.record(request, response)
        return response

    @staticmethod
    def record(request, response) -> None:
        status = response.status_code
        match = getattr(request, "resolver_match", None)
        page = PATIENT_PAGES.get(match.view_name) if match else None
        target = (page[0], match.kwargs.get(page[1])) if page and page[1] else None
        if status == 403:
            record_access(request, AccessAction.REFUSED, target, status_code=status)
        elif getattr(request, "sinen_login_required", False) and not getattr(request, "sinen_session_ended", False):
            # Sent to the login page. Right after a timeout that is the expected way back, not a refusal.
            record_access(request, AccessAction.REFUSED, target, status_code=status)
        elif (
            status == 200
            and page is not None
            and (request.method == "GET" or (request.method == "POST" and match.view_name in READ_BY_POST))
            and can(request.user, Action.VIEW_PATIENT_DATA)
        ):
            record_access(request, AccessAction.VIEW, (page[0], match.kwargs.get(page[1]) if page[1] else None))
