"""Registry of the seed passages the engine cites.

Every reason a rule gives ends with the tag of the passage it rests on, and every recommendation lists the
full citation strings, so the team can open the seed at the right place. Reference numbers are those of the
2018 review (seed 000, Anticancer Research 38:1267-1278); section names are its headings; "Table II, Stage IV
line 4" points at a numbered line of its Table II. Seed 003 (the Neuroendocrine Cancer Australia page on
embolisation and ablation) has no reference numbers and is cited by its topic. Outside standards (AJCC 8th,
WHO 2019) are cited by name.
"""

from __future__ import annotations

from dataclasses import dataclass

NECA_PAGE = "NECA page on embolisation and ablation (seed 003)"


def refs_text(refs: tuple[int, ...] | list[int]) -> str:
    """Return ``ref 61`` or ``refs 10, 14, 20`` (empty for no references)."""
    if not refs:
        return ""
    numbers = ", ".join(str(ref) for ref in refs)
    return f"ref {numbers}" if len(refs) == 1 else f"refs {numbers}"


@dataclass(frozen=True, slots=True)
class Source:
    """One passage: the seed's reference numbers, where the passage sits, and what it says in brief."""

    refs: tuple[int, ...]
    section: str
    label: str
    short: str = ""  # tag for a passage without reference numbers, when the section name is too long

    @property
    def refs_text(self) -> str:
        return refs_text(self.refs)

    @property
    def located(self) -> bool:
        """Whether the passage is best found by its place (a table line, a figure, a page) not by its refs."""
        return self.section.startswith(("Table", "Figure")) or not self.refs

    @property
    def tag(self) -> str:
        """Return the short form used inside a reason, e.g. ``ref 61`` or ``Table II, Stage IV line 3b``."""
        if not self.refs:
            return self.short or self.section
        if self.located:
            return f"{self.section}; {self.refs_text}"
        return self.refs_text

    def __str__(self) -> str:
        """Return the full citation, e.g. ``ref 61 — Locoregional Treatment: RFA (fewer than 5 lesions, ...)``."""
        if self.refs:
            return f"{self.refs_text} — {self.section} ({self.label})"
        return f"{self.section} ({self.label})"


# --- Outside standards the seed relies on -------------------------------------------------------------------
AJCC_TNM = Source((23,), "Table I (AJCC 8th edition, jejunum/ileum)", "T, N, M categories and stage groups")
TABLE_I_MULTICENTRIC = Source((23,), "Table I footnote", "highest T category for multicentric disease")
WHO_2019 = Source(
    (),
    "WHO 2019 classification (outside standard)",
    "G1 Ki-67 <3% and <2 mitoses/2 mm², G2 3-20% or 2-20, "
    "G3 >20%; the higher index decides; poorly differentiated = NEC",
)
LIVER_PATTERNS = Source((54,), "Liver Metastases", "intrahepatic patterns type I, II and III")

# --- Work-up -------------------------------------------------------------------------------------------------
PREOPERATIVE_WORKUP = Source(
    (10,), "Preoperative Care", "CT or MRI, SRS or 68Ga PET/CT, 24-h urine 5-HIAA, echocardiogram"
)
FIGURE_1 = Source((), "Figure 1", "diagnostic algorithm: CgA, 5-HIAA, CT/MRI, SSTR imaging, 18FDG PET, NT-proBNP")

# --- Primary tumour ------------------------------------------------------------------------------------------
ONLY_CURATIVE = Source(
    (16,),
    "Locoregional Enterectomy with Lymph Node Dissection",
    "resection of the primary with mesenteric lymph node dissection is the only curative approach",
)
STAGE_I_III_RESECTION = Source(
    (88, 89), "Table II, Stage I-III line 1", "curative resection with lymphadenectomy across mesenteric vessels"
)
LYMPH_NODES_MIN = Source(
    (10, 14, 20, 23),
    "Locoregional Enterectomy with Lymph Node Dissection",
    "dissection of at least eight (10, 14, 20) or 12 (23) lymph nodes improves survival",
)
OPTIMAL_SURGERY_EVEN_METASTATIC = Source(
    (24,),
    "Locoregional Enterectomy with Lymph Node Dissection",
    "optimal surgery with lymphadenectomy even with metastases; palliative primary resection confers a survival "
    "benefit (meta-analysis)",
)
STAGE_IV_3A = Source(
    (70,),
    "Table II, Stage IV line 3a",
    "if curative resection of liver metastases is feasible, oncological surgery of the primary too",
)
STAGE_IV_3B = Source(
    (),
    "Table II, Stage IV line 3b",
    "symptomatic primary: palliative resection of the primary and radical resection of mesenteric nodes",
)
STAGE_IV_3C = Source(
    (87,), "Table II, Stage IV line 3c", "performance status and anticipated benefit decide; individualise"
)
GENERAL_4 = Source(
    (),
    "Table II, General principles line 4",
    "primary resection may improve survival even with unresectable liver metastases",
)
GENERAL_7 = Source((), "Table II, General principles line 7", "extrahepatic disease is not always a contraindication")
ASYMPTOMATIC = Source(
    (30,), "Asymptomatic Primary Tumor", "lack of symptoms is by no means a contraindication for surgery"
)
EARLY_SURGERY = Source(
    (9, 30),
    "Asymptomatic Primary Tumor",
    "early surgery may prevent emergency surgery, which carries high morbidity and mortality",
)
FAMILY_HISTORY = Source(
    (86,), "Asymptomatic Primary Tumor", "aggressive approach, especially with a family history of si-NENs"
)
ASYMPTOMATIC_UNRESECTABLE_LIVER = Source(
    (40, 87),
    "Asymptomatic Primary Tumor",
    "resecting an asymptomatic primary with unresectable liver metastases is debatable; meta-analysis shows OS benefit",
)
MESENTERIC_STAGE_IV = Source(
    (28,),
    "Mesenteric Lymph Node Metastases and Desmoplastic Fibrosis",
    "four-stage classification; only stage IV is inoperable",
)
MESENTERIC_R0_FEASIBLE = Source(
    (10, 18, 19, 36),
    "Mesenteric Lymph Node Metastases and Desmoplastic Fibrosis",
    "R0 of primary and nodes feasible in 80%; surgery may alleviate symptoms when debulking is not feasible",
)
RESIDUAL_NODES = Source(
    (14,),
    "Surgical Procedure",
    "residual metastatic lymph node disease may cause mesenteric ischaemia or recurrent obstruction; thorough "
    "investigation and dissection of malignant nodes",
)
R0_R1_PRIMARY = Source(
    (51,),
    "Liver Metastases",
    "R0/R1 resection of the primary, nodal and distant metastases gives survival and quality-of-life benefit",
)
FOLLOW_UP = Source((), "Conclusion", "lifelong follow-up is of high importance")
FIT_PATIENTS = Source(
    (41,), "Abstract; Liver Metastases", "surgery (and hepatectomy) is the standard of care in fit patients"
)
G3_NO_UPFRONT_SURGERY = Source(
    (10, 54), "Liver Metastases, eligibility criterion v", "grade 3 tumours should not be treated by upfront surgery"
)
G3_HEPATECTOMY_DEBATABLE = Source((41,), "Liver Metastases", "hepatectomy is debatable in grade 3 tumours")
WHOLE_BOWEL = Source(
    (10, 18, 19), "Surgical Procedure", "inspection and palpation of the whole small bowel (multifocal disease)"
)
SITE_DECIDES_PROCEDURE = Source(
    (88,),
    "Locoregional Enterectomy; Table II, Stage I-III line 3",
    "right hemicolectomy for the terminal ileum, small-bowel enterectomy for more proximal tumours",
)
ICV_PRESERVATION = Source(
    (14,),
    "Surgical Procedure",
    "preserve the ileocaecal valve if oncologically acceptable, especially with carcinoid syndrome; up to 40%",
)
ICV_MAPPING = Source(
    (9, 14, 30),
    "Surgical Procedure",
    "stained ileocaecal-valve lymphatics mean right hemicolectomy; usually tumours >1 cm or bulky nodes",
)
ICV_DIARRHOEA = Source(
    (31,), "Surgical Procedure", "extended 7-10 cm resection may aggravate diarrhoea; valve preservation helps"
)
MAPPING_NOT_STANDARD = Source((91,), "Table II, Stage I-III line 4", "lymphatic mapping not yet standardised")
LAPAROSCOPY = Source(
    (37,),
    "Mesenteric Lymph Node Metastases and Desmoplastic Fibrosis",
    "laparoscopy only with preoperative evidence of localised disease and no tumour masses",
)
LAPAROTOMY_STANDARD = Source(
    (17, 18), "Mesenteric Lymph Node Metastases and Desmoplastic Fibrosis", "laparotomy is the standard of care"
)
LAPAROSCOPY_DATA = Source((88,), "Table II, Stage I-III line 8", "insufficient data on laparoscopic surgery")
CHOLECYSTECTOMY = Source(
    (18, 29),
    "Surgical Procedure",
    "concurrent cholecystectomy: SSA and chemoembolisation cause cholestasis and necrotic cholecystitis",
)
TACE_GALLBLADDER = Source(
    (70,),
    "Locoregional Treatment: intra-arterial liver treatment",
    "gallbladder necrosis after TACE, hence prophylactic cholecystectomy",
)

CARDIAC_WORKUP = Source(
    (10,),
    "Preoperative Care",
    "echocardiogram for assessing the burden of carcinoid syndrome, to prevent a perioperative carcinoid crisis",
)
CRITERION_IX = Source(
    (10, 54), "Liver Metastases, eligibility criterion ix", "negative assessment for advanced carcinoid cardiac disease"
)
UNCONTROLLED_SYNDROME = Source(
    (14,), "Preoperative Care", "patients with a known uncontrolled syndrome are at very high risk of carcinoid crisis"
)

# --- Liver surgery -------------------------------------------------------------------------------------------
HEPATECTOMY_STANDARD = Source(
    (41,), "Liver Metastases: liver resection", "hepatectomy is the standard of care for G1/G2 in fit patients"
)
ENETS_LIVER_RESECTION = Source(
    (42,),
    "Liver Metastases: liver resection",
    "ENETS: resect when R0 of G1/G2 is feasible, without right heart failure, extra-abdominal metastases or "
    "diffuse peritoneal carcinomatosis",
)
PERITONEAL_DEBATABLE = Source(
    (9, 16, 43), "Liver Metastases: liver resection", "peritoneal carcinomatosis is debatable for cytoreduction"
)
LIVER_CRITERIA = Source(
    (10, 54),
    "Liver Metastases, eligibility criteria iv-x",
    "G1/G2, no inoperable extrahepatic disease, type I or II, no advanced carcinoid heart disease",
)
PATTERN_I = Source((41,), "Liver Metastases, pattern type I", "one metastasis; R0 resection gives the best survival")
PATTERN_II = Source(
    (16, 40, 55), "Liver Metastases, pattern type II", "surgery debatable; multiple operations may be needed"
)
PATTERN_III = Source((16,), "Liver Metastases, pattern type III", "bilateral metastases: surgery rarely indicated")
STAGE_IV_1 = Source(
    (48,),
    "Table II, Stage IV line 1",
    "stable disease with limited hepatic metastases: curative-intent resection is the treatment of choice",
)
LIVER_RECURRENCE = Source(
    (), "Table II, Stage IV line 1", "metastatic liver disease has a high recurrence rate of 70-94% at 5 years"
)
NON_R0_ACCEPTABLE = Source(
    (45, 46, 47),
    "Liver Metastases; Table II, General principles line 5",
    "enucleation, parenchymal-sparing and non-R0 resections are acceptable",
)
DEBULKING = Source(
    (9, 36),
    "Liver Metastases: liver resection",
    ">70% of the burden should be resected; 70% cut-off gave 5-year OS 75%; may be a feasible option",
)
DEBULKING_GRAFF_BAKER = Source((53,), "Liver Metastases: liver resection", "70% cytoreduction cut-off for eligibility")
LIVER_RESECTION_FACTORS = Source(
    (44,),
    "Liver Metastases: liver resection",
    "tumour biology, number, size and site of lesions, performance status and predicted remaining liver function "
    "decide",
)
CYTOREDUCTION_LIKE_R0 = Source((11,), "Liver Metastases: liver resection", "major cytoreduction similar to R0")

# --- Ablation ------------------------------------------------------------------------------------------------
RFA_LIMITS = Source(
    (61,),
    "Locoregional Treatment: RFA",
    "fewer than 5 lesions, maximum diameter <5 cm, not close to hepatic veins or porta hepatis",
)
RFA_OVER_5CM = Source((42,), "Locoregional Treatment: RFA", "size >5 cm renders RFA inapplicable")
RFA_ROLE = Source(
    (13,), "Locoregional Treatment: RFA", "monotherapy or with hepatectomy; for patients ineligible for hepatectomy"
)
RFA_ADJUNCT = Source(
    (52,), "Locoregional Treatment: RFA", "with surgery: destroy multifocal disease or limit the hepatectomy"
)
RFA_RESULTS = Source(
    (48, 63, 64), "Locoregional Treatment: RFA", "symptom control 70-80%; 5-year OS 53%; recommended by most centres"
)
GENERAL_6 = Source((), "Table II, General principles line 6", "RFA, usually with surgery, is very important")
SSA_BEFORE_LOCOREGIONAL = Source(
    (59,), "Locoregional Treatment", "locoregional therapy after SSA cover for functional tumours (carcinoid crisis)"
)
MWA = Source(
    (65, 66),
    "Locoregional Treatment: RFA and other modalities",
    "MWA: better thermal destruction for lesions of around 5 cm; may be more durable than RFA",
)
MWA_NECA = Source(
    (), f"{NECA_PAGE}, MWA", "larger ablation zones, slightly larger or more vascular tumours", "seed 003, MWA"
)
LOCOREGIONAL_INDIVIDUALISED = Source(
    (),
    "Locoregional Treatment",
    "individualised according to tumour and patient characteristics, given the lack of randomised trials",
)
NECA_RISKS = Source(
    (),
    f"{NECA_PAGE}, limitations",
    "poor liver function or extensive disease: the risks may outweigh the benefits",
    "seed 003, limitations",
)
NECA_LIVER_DOMINANT = Source(
    (),
    f"{NECA_PAGE}, liver-dominant disease",
    "embolisation and ablation are particularly useful in liver-dominant disease",
    "seed 003, liver-dominant disease",
)
IRE = Source(
    (60,),
    "Locoregional Treatment: RFA and other modalities",
    "irreversible electroporation destroys tumour close to vital structures without sacrificing them",
)

# --- Intra-arterial ------------------------------------------------------------------------------------------
INTRA_ARTERIAL_INDICATION = Source(
    (70,),
    "Locoregional Treatment: intra-arterial liver treatment",
    "TAE, TACE and SIRT are indicated in patients ineligible for surgery; can be repeated",
)
TACE_RESULTS = Source(
    (71,),
    "Locoregional Treatment: intra-arterial liver treatment",
    "symptom control and size reduction in >50% of patients",
)
TACE_CONTRAINDICATIONS = Source(
    (),
    "Locoregional Treatment: intra-arterial liver treatment",
    "relative contraindications: portal vein thrombosis, liver failure, Whipple procedure, hepatopulmonary shunts",
)
TACE_EXPERT_CENTRE = Source(
    (66,),
    "Locoregional Treatment: intra-arterial liver treatment",
    "expert centres: mortality 0-5.6%, morbidity 28-90%",
)
STAGE_IV_4 = Source(
    (70, 44),
    "Table II, Stage IV line 4",
    "locoregional treatment second line for mainly liver metastases; systemic treatment for progressive disease "
    "with extrahepatic lesions",
)
TACE_VERSUS_RFA = Source(
    (42,), "Locoregional Treatment: intra-arterial liver treatment", "no data indicating TACE superiority to RFA"
)
STAGE_IV_5 = Source((54,), "Table II, Stage IV line 5", "TAE and TACE do not differ significantly")
TACE_NECA = Source(
    (),
    f"{NECA_PAGE}, TACE",
    "liver-dominant disease; stable liver function and limited disease outside the liver",
    "seed 003, TACE",
)
SIRT = Source(
    (72, 73, 74, 40),
    "Locoregional Treatment: intra-arterial liver treatment",
    "SIRT response 62.7%; lower 12-month response than TACE; toxicities include pulmonary shunts; down-staging",
)
TARE_NECA = Source(
    (), f"{NECA_PAGE}, TARE/SIRT", "can be used even in patients with more advanced liver disease", "seed 003, TARE"
)
SIRT_MORE_DATA = Source(
    (16,), "Locoregional Treatment: intra-arterial liver treatment", "more data needed on the role of SIRT"
)
STAGE_IV_6 = Source(
    (44,), "Table II, Stage IV line 6", "SIRT promising; bilomas and abscesses; may be used in bilateral disease"
)

# --- Transplantation -----------------------------------------------------------------------------------------
TRANSPLANT_UNRESECTABLE = Source((75,), "Liver transplantation", "alternative option for unresectable metastases")
MAZZAFERRO = Source(
    (78,),
    "Liver transplantation",
    "Mazzaferro criteria i-vii: previous R0, G1/G2 Ki-67 <10%, portal drainage, no extrahepatic disease, <50% "
    "of liver, stable ≥6 months, age <55 (relative)",
)
ENETS_TRANSPLANT = Source(
    (70,),
    "Liver transplantation",
    "ENETS/Pavel criteria i-vi: no extrahepatic disease by PET/CT, previous primary resection, G1/G2, age <50, "
    "low Ki-67",
)
TRANSPLANT_EXCLUSIONS = Source(
    (40,),
    "Liver transplantation",
    "exclude small cell, G3/NEC, major comorbidity, non-portal drainage, extrahepatic metastases (except "
    "perihilar nodes), carcinoid heart disease; strict selection at specialised centres",
)
UNKNOWN_PRIMARY_TRANSPLANT = Source(
    (79,), "Liver transplantation", "failure to detect the primary is not an absolute contraindication"
)

# --- Peritoneum ----------------------------------------------------------------------------------------------
PC_SURGERY_DEBATABLE = Source(
    (81, 82), "Diffuse Peritoneal Carcinomatosis", "surgery for peritoneal carcinomatosis remains debatable"
)
PC_COMPLICATIONS = Source(
    (55,),
    "Diffuse Peritoneal Carcinomatosis",
    "surgery may prevent obstruction, mesenteric fibrosis, bleeding and portal hypertension",
)
CCR = Source(
    (83, 84),
    "Diffuse Peritoneal Carcinomatosis",
    "completeness of cytoreduction CCR-0 to CCR-3 is the main prognostic factor",
)
PCI_LIMIT = Source(
    (81,), "Diffuse Peritoneal Carcinomatosis", "operate when low CCR is anticipated: PCI <20 or GPS-A/low GPS-B"
)
HIPEC_BENEFIT = Source(
    (),
    "Diffuse Peritoneal Carcinomatosis",
    "HIPEC may improve survival by eradicating small lesions; applied after extended cytoreductive surgery",
)
HIPEC_LIMIT = Source(
    (85,),
    "Diffuse Peritoneal Carcinomatosis",
    "main limitation: chemotherapy against tumours with a low proliferative rate",
)
HIPEC_RISK = Source(
    (81,), "Diffuse Peritoneal Carcinomatosis", "added morbidity and mortality when combined with another major surgery"
)

# --- Somatostatin analogues ----------------------------------------------------------------------------------
SSA_PROTOCOL = Source(
    (13,),
    "Preoperative Care",
    "octreotide from at least 1 day before to at least 1 day after surgery, gradual discontinuation",
)
SSA_MAJOR_SURGERY = Source(
    (14,),
    "Preoperative Care",
    "continuous infusion doubled in crisis; 50% reduction per day; applies even to minor surgery",
)
SSA_MINOR_SURGERY = Source((15,), "Preoperative Care", "preventive octreotide usually enough for minor surgery")
SSA_LARGE_TUMOURS = Source(
    (14,),
    "Preoperative Care",
    "high risk with large serotonin-secreting tumours, e.g. liver metastasectomy or transplantation",
)

# --- Adjuvant and systemic -----------------------------------------------------------------------------------
STAGE_I_III_13 = Source(
    (), "Table II, Stage I-III line 13", "no benefit of neoadjuvant or adjuvant treatment before curative surgery"
)
ADJUVANT_METASTATIC = Source(
    (57,), "Liver Metastases", "neither neoadjuvant nor adjuvant chemotherapy improves outcomes in liver disease"
)
SSA_SYMPTOM_CONTROL = Source(
    (), "Abstract", "hormone therapy with somatostatin analogues is of high importance for symptomatic control"
)
SSA_SYNDROME_CONTROL = Source(
    (), "Table II, Stage I-III line 7", "symptomatic and preoperative carcinoid syndrome control is feasible with SSA"
)
INOPERABLE_AIMS = Source(
    (), "Introduction", "for inoperable cases, hormone symptom control and suspension of proliferation are aims"
)
