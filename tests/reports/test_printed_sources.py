"""How an option's sources print in the summary: reference and section, each section once."""

from cases.pathways.engine import citations as c
from cases.reports.summary import printed_sources, without_gloss


def test_the_gloss_is_dropped_even_when_it_holds_parentheses_itself():
    # "… after SSA cover for functional tumours (carcinoid crisis)" is the gloss of ref 59.
    assert without_gloss(str(c.SSA_BEFORE_LOCOREGIONAL)) == "ref 59 — Locoregional Treatment"
    assert without_gloss(str(c.MAZZAFERRO)).endswith("— Liver transplantation")


def test_a_section_that_names_its_seed_keeps_it_and_only_the_gloss_goes():
    assert printed_sources([str(c.MWA_NECA)]) == ["NECA page on embolisation and ablation (seed 003), MWA"]
    assert printed_sources([str(c.WHO_2019)]) == ["WHO 2019 classification (outside standard)"]


def test_citations_of_one_section_print_once_with_all_their_references_in_order():
    sources = printed_sources(
        [str(c.MESENTERIC_STAGE_IV), str(c.LAPAROSCOPY), str(c.LAPAROTOMY_STANDARD), str(c.SSA_BEFORE_LOCOREGIONAL)]
    )
    assert sources == [
        "refs 28, 37, 17, 18 — Mesenteric Lymph Node Metastases and Desmoplastic Fibrosis",
        "ref 59 — Locoregional Treatment",
    ]


def test_an_unbalanced_citation_prints_whole():
    assert printed_sources(["ref 5 — Odd section (never closed"]) == ["ref 5 — Odd section (never closed"]
