"""Load the clinical content from the seeds and give content editors their permissions.

Creates the first active guideline version ("seed-2018-default") with the engine's built-in thresholds,
a text per recommendation code, the references the engine cites, the help of every pathway step, and a
history record for each ("loaded from the seed"). Every value is written out literally, because a
migration must not change when application code does; tests/pathways/test_content_models.py checks that
they still equal the engine's defaults (Guideline(), TITLES, citations, STEPS), so any drift fails a test.

Sources: seed 000 (the 2018 review, Anticancer Research 38:1267-1278) and seed 003 (NECA page on
embolisation and ablation). The review's reference list is not part of the seed text, so a reference
carries its number, what the seed cites it for, where, and the author's name where the text gives it.
"""

from django.db import migrations
from django.utils import timezone

SEED_VERSION = "seed-2018-default"

# Equal to cases.pathways.engine.Guideline() (checked by a test).
THRESHOLDS = {
    "t1_max_size_cm": 1.0,
    "n2_min_positive_nodes": 12,
    "n2_mass_cm": 2.0,
    "grade_g2_min_ki67": 3.0,
    "grade_g3_above_ki67": 20.0,
    "grade_g2_min_mitoses": 2.0,
    "grade_g3_above_mitoses": 20.0,
    "lymph_node_min": 8,
    "icv_size_cm": 1.0,
    "debulking_min_percent": 70.0,
    "ablation_max_lesions": 5,
    "rfa_max_diameter_cm": 5.0,
    "mwa_max_diameter_cm": 5.0,
    "transplant_max_ki67": 10.0,
    "transplant_max_liver_involvement_percent": 50.0,
    "transplant_min_stable_months": 6,
    "transplant_relative_age_limit": 55,
    "transplant_enets_age_limit": 50,
    "pci_max": 20,
    "ssa_start_days_before": 1,
    "ssa_continue_days_after": 1,
    "ssa_crisis_infusion_factor": 2.0,
    "ssa_taper_percent_per_day": 50.0,
}
# Equal to cases.specialties.DEFAULT_QUORUM (checked by a test).
QUORUM = ["surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"]

# code: (title, summary, caveats). Titles equal the engine's TITLES; summaries and caveats paraphrase the
# seed passages the engine cites for the option. Numbers that are guideline thresholds are left out of
# the texts on purpose: the reasons state them for each case, from the active version.
TEXTS = {
    "primary_resection": (
        "Resection of the primary tumour with mesenteric lymphadenectomy",
        "Resection of the primary tumour with locoregional mesenteric lymph node dissection is the only curative "
        "approach (ref 16). Even with metastases, optimal surgery with lymphadenectomy prevents ischaemia, "
        "obstruction and perforation; palliative resection of the primary conferred a survival benefit in a "
        "meta-analysis (ref 24).",
        "Inspect and palpate the whole small bowel: si-NENs are often multifocal (refs 10, 18, 19). Only "
        "mesenteric nodal stage IV is inoperable (ref 28); CT or MR angiography helps plan a resection that "
        "leaves enough small bowel (refs 28, 29). Operate at a specialised centre (Table II, General principles "
        "line 8).",
    ),
    "right_hemicolectomy": (
        "Oncological right hemicolectomy",
        "The operation for tumours of the terminal ileum; more proximal tumours need a small-bowel enterectomy "
        "(Locoregional Enterectomy; Table II, Stage I-III line 3, ref 88).",
        "Stained lymphatics of the ileocaecal valve at lymphatic mapping mean a high risk of metastasis and a "
        "right hemicolectomy (refs 9, 14, 30), but mapping is not yet standardised (Table II, Stage I-III "
        "line 4, ref 91).",
    ),
    "ileocecal_valve_preservation": (
        "Preservation of the ileocaecal valve",
        "Preserve the ileocaecal valve when it is oncologically acceptable, especially with carcinoid syndrome, "
        "where losing it reduces quality of life after surgery; up to 40% of patients may keep it (ref 14).",
        "An extended resection of 7-10 cm of small bowel may aggravate diarrhoea; keeping the valve helps "
        "(ref 31). Large tumours and bulky mesenteric nodes usually mean a right hemicolectomy (ref 14).",
    ),
    "laparoscopic_approach": (
        "Laparoscopic approach",
        "Laparoscopy may be considered only with preoperative evidence of localised disease and no tumour "
        "masses (ref 37).",
        "Laparotomy is the standard of care: it allows exploration of the peritoneal cavity and the mesenteric "
        "vessels and palpation of the small bowel (refs 17, 18). Data on laparoscopic surgery are insufficient "
        "(Table II, Stage I-III line 8, ref 88).",
    ),
    "prophylactic_cholecystectomy": (
        "Prophylactic cholecystectomy at the same operation",
        "Remove the gallbladder at the same operation: somatostatin analogues and, possibly, chemoembolisation "
        "may cause cholestasis with a high risk of complications such as necrotic cholecystitis (refs 18, 29).",
        "Necrosis after TACE is among its major complications, hence prophylactic cholecystectomy (ref 70).",
    ),
    "liver_resection": (
        "Resection of liver metastases with curative intent",
        "In fit patients with grade 1/2 tumours hepatectomy is the standard of care (ref 41). ENETS: consider "
        "resection when an R0 resection is feasible with acceptable morbidity (about 30%) and mortality (<5%), "
        "without right heart failure, extra-abdominal metastases or diffuse peritoneal carcinomatosis (ref 42).",
        "Enucleation, parenchymal-sparing and non-R0 resections are acceptable (refs 45-47; Table II, General "
        "principles line 5). Grade 3 tumours should not have upfront surgery (criterion v, refs 10, 54). "
        "Metastatic liver disease recurs in 70-94% at 5 years (Table II, Stage IV line 1). Morbidity of "
        "hepatectomy 16-24% (ref 50). A specialised surgical centre is a criterion (x).",
    ),
    "liver_debulking": (
        "Debulking liver surgery",
        "Debulking (cytoreductive) liver surgery may be a feasible option in advanced disease when most of the "
        "liver tumour burden can be resected (refs 9, 36, 53); major cytoreduction has shown outcomes similar "
        "to R0 resection (ref 11).",
        "The share of the burden to be resected is a guideline threshold; the reasons give it for this case. "
        "Grade 3 tumours should not have upfront surgery (refs 10, 54).",
    ),
    "rfa": (
        "Radiofrequency ablation (RFA)",
        "RFA, alone or with hepatectomy, controls symptoms and liver metastases; it can be done percutaneously "
        "or laparoscopically, so also for patients ineligible for hepatectomy (ref 13). With surgery it can "
        "destroy multifocal disease or limit the hepatectomy (ref 52).",
        "Only a limited number of small lesions away from the hepatic veins and the porta hepatis can be "
        "ablated (refs 61, 42); the limits are in the reasons. Give somatostatin analogue cover first for "
        "functional tumours (ref 59). Morbidity 4-5%: bleeding, infection, liver abscess (Locoregional "
        "Treatment).",
    ),
    "mwa": (
        "Microwave ablation (MWA)",
        "MWA gives better thermal destruction of larger lesions than RFA and may be more durable (refs 65, 66); "
        "it creates larger ablation zones more quickly, also in more vascular areas (seed 003).",
        "A newer technique with less published experience than RFA; it shares RFA's limit on the number of lesions.",
    ),
    "ire": (
        "Irreversible electroporation (IRE)",
        "Irreversible electroporation destroys tumour close to vital structures without sacrificing them (ref 60).",
        "The seed gives no limits of its own for IRE; the thermal-ablation limit on the number of lesions is applied.",
    ),
    "tae_tace": (
        "Transarterial embolisation or chemoembolisation (TAE/TACE)",
        "Hepatic-artery embolisation (TAE) or chemoembolisation (TACE) for patients ineligible for surgery; it "
        "can be repeated (ref 70). Symptom control and size reduction in more than 50% of patients (ref 71); a "
        "second-line option for mainly liver disease (Table II, Stage IV line 4). TAE and TACE do not differ "
        "significantly (ref 54).",
        "TACE belongs in a centre with expertise: mortality 0-5.6%, morbidity 28-90% (ref 66). Relative "
        "contraindications: portal vein thrombosis, liver failure, a previous Whipple procedure, "
        "hepatopulmonary shunts. Major complications include necrosis (hence prophylactic cholecystectomy), "
        "hepatorenal syndrome, pancreatitis, liver abscess and hepatic artery aneurysm (ref 70).",
    ),
    "sirt": (
        "Selective internal radiation therapy (SIRT)",
        "Radioembolisation of the liver: response in 62.7% and stable disease in 32.5% in long-term series "
        "(ref 40); it may be used in bilateral disease (Table II, Stage IV line 6, ref 44) and for down-staging "
        "(ref 74).",
        "Promising, but more data are needed on its role (ref 16). Lower response than TACE at 12 months (46% "
        "vs 66%, ref 73). Toxicities include fatigue, nausea, pulmonary shunts, gastritis, duodenal ulcer and "
        "liver fibrosis; bilomas and abscesses (Table II, Stage IV line 6).",
    ),
    "liver_transplant": (
        "Liver transplantation",
        "An alternative for unresectable liver metastases (ref 75), only when the eligibility criteria "
        "(Mazzaferro, ref 78; ENETS and Pavel, ref 70) are strictly met, at a specialised centre with a "
        "multidisciplinary team (ref 40).",
        "Excluded: small cell tumours, grade 3 NET or NEC, major comorbidity, no portal venous drainage, "
        "extrahepatic metastases (except perihilar nodes) and carcinoid heart disease (ref 40). Explorative "
        "laparotomy or laparoscopy may be needed to find peritoneal disease first. The criteria are still "
        "under validation (ref 40).",
    ),
    "peritoneal_cytoreduction": (
        "Cytoreductive surgery for peritoneal carcinomatosis",
        "Surgery for peritoneal carcinomatosis remains debatable (refs 81, 82) but may prevent bowel "
        "obstruction, mesenteric fibrosis, gastrointestinal bleeding and portal hypertension (ref 55). Operate "
        "when a low completeness-of-cytoreduction (CCR) score is anticipated (ref 81).",
        "CCR is the main prognostic factor after surgery (ref 83). HIPEC uses chemotherapy against slowly "
        "proliferating tumours (ref 85) and adds morbidity and mortality to another major operation (ref 81).",
    ),
    "perioperative_ssa": (
        "Perioperative somatostatin analogue (octreotide) cover",
        "Octreotide cover prevents a carcinoid crisis: start it before surgery, continue it during and after "
        "the operation and stop it gradually (refs 13, 14). It applies even to minor surgery (ref 14) and "
        "before liver-directed therapy of functional tumours (ref 59).",
        "Correct electrolyte disturbances before surgery. Hypotension not due to blood loss and bronchospasm "
        "call for fluid, octreotide and steroids; vasoconstrictors are debatable, as they may increase "
        "serotonin and amine secretion (ref 14). The risk is highest with an uncontrolled syndrome and with "
        "large serotonin-secreting tumours (ref 14).",
    ),
    "adjuvant_therapy": (
        "Adjuvant or neoadjuvant therapy",
        "Neoadjuvant and adjuvant treatment show no benefit in patients eligible for curative surgery (Table "
        "II, Stage I-III line 13), and chemotherapy does not improve outcomes in metastatic liver disease "
        "(ref 57).",
        "Small series suggest that immunotherapy or PRRT may improve the chance of an R0 resection (ref 58).",
    ),
    "systemic_therapy": (
        "Systemic therapy (no upfront surgery)",
        "Systemic treatment for progressive disease with extrahepatic lesions (Table II, Stage IV line 4, "
        "ref 44) and for grade 3 tumours, which should not have upfront surgery (refs 10, 54).",
        "For inoperable disease, control of hormone symptoms and of tumour proliferation are aims "
        "(Introduction). The seed does not discuss systemic regimens.",
    ),
}

# number: (author or source as the seed names it, what the seed cites it for, where). The rows of
# docs/clinical-rules.md, "Seed references cited" (every reference the engine cites), and refs 50 and 58,
# which the texts above cite.
REFERENCES = {
    9: (
        "",
        "Early surgery prevents emergency surgery; lymphatic mapping; debulking 70% cut-off; peritoneal disease debatable for cytoreduction",
        "Asymptomatic Primary Tumor; Surgical Procedure; Liver Metastases",
    ),
    10: (
        "",
        "Work-up; at least eight nodes; whole-bowel palpation; R0 feasible in 80%; liver eligibility criteria iv-x",
        "Preoperative Care; Locoregional Enterectomy; Surgical Procedure; Mesenteric Lymph Node Metastases; Liver Metastases",
    ),
    11: ("", "Major cytoreduction has outcomes similar to R0", "Liver Metastases"),
    13: (
        "",
        "Octreotide from ≥1 day before to ≥1 day after surgery; RFA for patients ineligible for hepatectomy",
        "Preoperative Care; Locoregional Treatment",
    ),
    14: (
        "Boudreaux et al.",
        "Infusion doubled in crisis, 50% daily taper, minor surgery, large serotonin-secreting tumours; at least eight nodes; ileocaecal valve (preserve, mapping, >1 cm, bulky nodes)",
        "Preoperative Care; Locoregional Enterectomy; Surgical Procedure",
    ),
    15: ("", "Preventive octreotide usually enough for minor surgery", "Preoperative Care"),
    16: (
        "",
        "Only curative approach; patterns II and III; peritoneal disease debatable; more data needed on SIRT",
        "Locoregional Enterectomy; Liver Metastases; Locoregional Treatment",
    ),
    17: ("", "Laparotomy is the standard of care", "Mesenteric Lymph Node Metastases"),
    18: (
        "",
        "Laparotomy standard; whole-bowel palpation; concurrent cholecystectomy; R0 in 80%",
        "Surgical Procedure; Mesenteric Lymph Node Metastases",
    ),
    19: ("", "Whole-bowel inspection; R0 in 80%", "Locoregional Enterectomy; Mesenteric Lymph Node Metastases"),
    20: ("", "At least eight nodes", "Locoregional Enterectomy"),
    23: (
        "American Joint Committee on Cancer, 8th edition, 2017",
        "AJCC 8th TNM (Table I); 12 nodes",
        "Table I; Locoregional Enterectomy",
    ),
    24: ("", "Palliative primary resection survival benefit (meta-analysis)", "Locoregional Enterectomy"),
    28: (
        "",
        "Mesenteric nodal stages, only stage IV inoperable; 12 nodes suggested",
        "Mesenteric Lymph Node Metastases",
    ),
    29: ("", "Concurrent cholecystectomy", "Surgical Procedure"),
    30: (
        "",
        "Asymptomatic is no contraindication; early surgery; lymphatic mapping",
        "Asymptomatic Primary Tumor; Surgical Procedure",
    ),
    31: ("", "Valve preservation with the extended resection", "Surgical Procedure"),
    36: (
        "",
        "Debulking >70%; R0 in 80%; symptoms alleviated when debulking is not feasible",
        "Liver Metastases; Mesenteric Lymph Node Metastases",
    ),
    37: ("", "Laparoscopy only for localised disease without tumour masses", "Mesenteric Lymph Node Metastases"),
    40: (
        "",
        "Transplant exclusions and strict selection; SIRT long-term outcomes; pattern II; unresectable liver metastases",
        "Liver transplantation; Locoregional Treatment; Liver Metastases; Asymptomatic Primary Tumor",
    ),
    41: ("", "Hepatectomy standard in fit G1/G2 patients, debatable in G3; pattern I R0", "Liver Metastases"),
    42: (
        "European Neuroendocrine Tumor Society (ENETS) guidelines",
        "ENETS criteria for liver resection; >5 cm renders RFA inapplicable",
        "Liver Metastases; Locoregional Treatment",
    ),
    43: ("", "Peritoneal disease debatable for cytoreduction", "Liver Metastases"),
    44: (
        "",
        "Systemic therapy for progressive extrahepatic disease; SIRT in bilateral disease",
        "Table II Stage IV lines 4 and 6",
    ),
    45: ("", "Enucleation / parenchymal-sparing hepatectomy", "Liver Metastases"),
    46: ("", "Non-R0 resection acceptable", "Liver Metastases"),
    47: ("", "Non-R0 resection acceptable", "Liver Metastases"),
    48: (
        "",
        "Stable limited liver disease: curative resection; RFA symptom control 70-80%",
        "Table II Stage IV line 1; Locoregional Treatment",
    ),
    50: (
        "Sarmiento et al.",
        "Symptom control and survival after liver surgery; hepatectomy morbidity 16-24%",
        "Liver Metastases",
    ),
    52: ("Mayo et al.", "RFA with surgery to limit the hepatectomy", "Locoregional Treatment"),
    53: ("Graff-Baker et al.", "70% cytoreduction cut-off (Graff-Baker)", "Liver Metastases"),
    54: (
        "",
        "Liver patterns I-III; eligibility criteria; TAE vs TACE no difference",
        "Liver Metastases; Table II Stage IV line 5",
    ),
    55: (
        "",
        "Pattern II; surgery for peritoneal carcinomatosis prevents complications",
        "Liver Metastases; Diffuse Peritoneal Carcinomatosis",
    ),
    57: ("", "No neoadjuvant/adjuvant chemotherapy benefit in liver disease", "Liver Metastases"),
    58: ("", "Immunotherapy or PRRT may improve the chance of an R0 resection", "Liver Metastases"),
    59: ("", "SSA before locoregional therapy for functional tumours", "Locoregional Treatment"),
    60: ("", "Thermal techniques; IRE near vital structures", "Locoregional Treatment"),
    61: ("", "RFA limits: <5 lesions, <5 cm, not near vital structures", "Locoregional Treatment"),
    63: ("", "RFA outcomes (5-year OS 53%)", "Locoregional Treatment"),
    64: ("", "Most centres recommend RFA", "Locoregional Treatment"),
    65: ("", "MWA", "Locoregional Treatment"),
    66: ("", "MWA more durable; TACE mortality and morbidity at expert centres", "Locoregional Treatment"),
    70: (
        "Pavel et al.",
        "Intra-arterial therapy for patients ineligible for surgery; TACE gallbladder necrosis; ENETS/Pavel transplant criteria; Table II IV 3a and 4",
        "Locoregional Treatment; Liver transplantation; Table II",
    ),
    71: ("", "TAE/TACE response", "Locoregional Treatment"),
    72: ("", "SIRT efficacy", "Locoregional Treatment"),
    73: ("", "SIRT vs TACE response", "Locoregional Treatment"),
    74: ("", "SIRT down-staging", "Locoregional Treatment"),
    75: ("", "Transplant for unresectable metastases", "Liver transplantation"),
    78: ("Mazzaferro et al.", "Mazzaferro criteria i-vii", "Liver transplantation"),
    79: ("", "Primary not found is no absolute contraindication", "Liver transplantation"),
    81: ("", "Peritoneal surgery debatable; PCI <20; HIPEC morbidity", "Diffuse Peritoneal Carcinomatosis"),
    82: ("", "Peritoneal surgery debatable", "Diffuse Peritoneal Carcinomatosis"),
    83: ("", "CCR main prognostic factor", "Diffuse Peritoneal Carcinomatosis"),
    84: ("", "CCR-0 to CCR-3", "Diffuse Peritoneal Carcinomatosis"),
    85: ("", "HIPEC limits", "Diffuse Peritoneal Carcinomatosis"),
    86: ("", "Family history: aggressive approach", "Asymptomatic Primary Tumor"),
    87: (
        "Capurso et al. (meta-analysis)",
        "Performance status (Table II IV 3c); asymptomatic primary with unresectable liver metastases",
        "Table II; Asymptomatic Primary Tumor",
    ),
    88: (
        "",
        "Curative resection stage I-III; right hemicolectomy for terminal ileum; laparoscopy data",
        "Table II Stage I-III lines 1, 3, 8",
    ),
    89: ("", "Curative resection stage I-III", "Table II Stage I-III line 1"),
    91: ("", "Lymphatic mapping not standardised", "Table II Stage I-III line 4"),
}

# Equal to the intros of cases.pathways.steps.STEPS (checked by a test).
STEP_HELP = {
    "presentation": "Symptoms, carcinoid syndrome and fitness. Carcinoid syndrome decides the somatostatin analogue cover that prevents a carcinoid crisis during any procedure (Preoperative Care; ref 13, 14).",
    "biochemistry": "Chromogranin A, 24-hour urine 5-HIAA and NT-proBNP (Figure 1; Preoperative Care, ref 10).",
    "imaging": "CT or MRI: the primary, the mesenteric nodes, the liver and disease beyond it (ref 10, 28, 54).",
    "functional-imaging": "Somatostatin receptor imaging for every patient; FDG PET where the grade is high (Figure 1; ref 10).",
    "histology": "Differentiation, Ki-67 and mitotic count give the WHO 2019 grade; invasion and nodes the TNM (Table I). Margin and nodes only if the primary has been resected.",
    "cardiac": "Echocardiogram for carcinoid heart disease, needed with carcinoid syndrome or raised 5-HIAA (ref 10).",
    "liver": "What decides between resection, ablation, embolisation and transplantation (Liver Metastases and Locoregional Treatment sections).",
    "summary": "Stage, grade, gaps in the work-up and the recommendations.",
}

# The content editors' permissions: add, change and view the content, never delete, and nothing else
# (no patient data: patients and cases are not in the admin at all).
CONTENT_MODELS = {
    "guidelineversion": "guideline version",
    "recommendationtext": "recommendation text",
    "reference": "reference",
    "stephelp": "pathway step help",
}
EDITOR_ACTIONS = ("add", "change", "view")
CONTENT_EDITOR = "content_editor"
REASON = "Loaded from the seed (data migration)"


def citation(number: int, named: str) -> str:
    where = f"ref {number} of the 2018 review (Anticancer Research 38:1267-1278)"
    return (
        f"{named}, {where}; the full entry is not in the seed text."
        if named
        else f"{where[0].upper()}{where[1:]}; the full entry is not in the seed text."
    )


def create_with_history(apps, model_name: str, now, **values):
    """Create a row and its first history record, so the admin's history starts with the seed's values."""
    model = apps.get_model("pathways", model_name)
    row = model.objects.create(**values)
    history = apps.get_model("pathways", f"Historical{model_name}")
    fields = {field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields}
    history.objects.create(
        **fields, history_date=now, history_type="+", history_change_reason=REASON, history_user_id=None
    )
    return row


def load_content(apps, schema_editor):
    now = timezone.now()
    if not apps.get_model("pathways", "GuidelineVersion").objects.exists():
        create_with_history(
            apps,
            "GuidelineVersion",
            now,
            name=SEED_VERSION,
            status="active",
            effective_date=timezone.localdate(now),
            notes="The thresholds of the 2018 review (seed 000), AJCC 8th for TNM and WHO 2019 for grading; "
            "the quorum of issue 5. Loaded with the application.",
            quorum_specialties=QUORUM,
            activated_at=now,
            **THRESHOLDS,
        )
    for code, (title, summary, caveats) in TEXTS.items():
        create_with_history(apps, "RecommendationText", now, code=code, title=title, summary=summary, caveats=caveats)
    for number, (named, cited_for, sections) in REFERENCES.items():
        create_with_history(
            apps,
            "Reference",
            now,
            number=number,
            citation=citation(number, named),
            cited_for=cited_for,
            seed_sections=sections,
        )
    for step, text in STEP_HELP.items():
        create_with_history(apps, "StepHelp", now, step=step, text=text)
    grant_editor_permissions(apps)


def grant_editor_permissions(apps):
    # Permissions are normally created after all migrations (post_migrate); create the few needed here
    # so the group is complete on a fresh database. post_migrate then finds them and adds the rest.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=CONTENT_EDITOR)
    for model, verbose_name in CONTENT_MODELS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="pathways", model=model)
        for action in EDITOR_ACTIONS:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            group.permissions.add(permission)


def unload_content(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=CONTENT_EDITOR).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="pathways"))
    for model in ("StepHelp", "Reference", "RecommendationText", "GuidelineVersion"):
        apps.get_model("pathways", f"Historical{model}").objects.all().delete()
        apps.get_model("pathways", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0001_initial"),
        ("patients", "0001_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load_content, unload_content)]
