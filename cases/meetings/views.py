"""Meeting views: the dashboard (home page) for now; agenda and meeting mode follow."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def dashboard(request):
    """Show the user who they are, upcoming meetings and cases awaiting discussion."""
    return render(request, "meetings/dashboard.html")
