"""Template helpers for showing the engine's output: verdict badges and work-up labels."""

from django import template
from django.utils.html import format_html

register = template.Library()

# Words and symbols as well as colour, so the verdict reads in black and white and to colour-blind eyes.
VERDICTS = {
    "recommended": ("Recommended", "✓", "verdict-recommended"),
    "consider": ("Consider", "?", "verdict-consider"),
    "not_recommended": ("Not recommended", "✕", "verdict-not-recommended"),
}
WORKUP_LABELS = {
    "ct_or_mri": "CT or MRI",
    "sstr_imaging": "SSTR imaging (68Ga PET/CT or scintigraphy)",
    "urine_5hiaa": "24-h urine 5-HIAA",
    "chromogranin_a": "Chromogranin A",
    "histology": "Histology",
    "echocardiogram": "Echocardiogram",
    "nt_probnp": "NT-proBNP",
    "fdg_pet": "FDG PET",
}


@register.simple_tag
def verdict_badge(verdict) -> str:
    label, symbol, css = VERDICTS[str(verdict)]
    return format_html('<span class="verdict {}"><span aria-hidden="true">{}</span> {}</span>', css, symbol, label)


@register.filter
def workup_label(code: str) -> str:
    return WORKUP_LABELS.get(code, code)
