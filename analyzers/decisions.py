"""Structure of a decision read from its text: body, formation, date, file number, ECLI, importance,
applicant (gender, country), grounds, outcome, provisions and decisions cited, and sections (zoning).

Every value keeps the span of text it came from (``start``, ``end``) so a consultant can check it; a value
that comes from the record's metadata instead says so (``from: metadata``). Written for the layouts of the
corpus — CNDA, French administrative courts, the Luxembourg administrative tribunal, the UN Committee
against Torture — with generic rules for the others.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from analyzers.gazetteer import country_code
from analyzers.places import demonyms
from textnorm import fold

STRUCTURE_VERSION = "2026.11-5"  # bump when a rule changes: stored readings are redone
_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_MONTH_NUM = {
    fold(m): i % 12 + 1
    for i, m in enumerate(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
        "january february march april may june july august september october november december".split()
    )
}
_MONTH_NUM |= {"fevrier": 2, "aout": 8, "decembre": 12}
GROUND_CODES = {  # the CNDA's classification ("095-...") in the header of each published decision
    "095-03-01-02-03-01": "race",
    "095-03-01-02-03-02": "political_opinion",
    "095-03-01-02-03-03": "nationality",
    "095-03-01-02-03-04": "religion",
    "095-03-01-02-03-05": "social_group",
    "095-03-01-03-02-01": "subsidiary_1",
    "095-03-01-03-02-02": "subsidiary_2",
    "095-03-01-03-02-03": "subsidiary_3",
    "095-04-01": "exclusion",
    "095-04-02": "cessation",
    "095-08-06-05": "revision",
}
GROUND_WORDS = [
    ("social_group", r"certain groupe social|particular social group"),
    ("political_opinion", r"opinions? politiques?|political opinion"),
    ("religion", r"\bpour des motifs religieux|\breligion\b"),
    ("nationality", r"minorité nationale ou ethnique|\bnationalit(?:y|é) \(ground\)"),
    ("race", r"\brace\b"),
    ("subsidiary_3", r"L\. ?512-1,? 3°|violence aveugle|indiscriminate violence"),
    ("subsidiary_2", r"L\. ?512-1,? 2°|traitements inhumains ou dégradants"),
    ("subsidiary_1", r"L\. ?512-1,? 1°|peine de mort"),
    ("exclusion", r"article 1(?:er)?,? ?F|1 ?F\)?,? ?[abc]\)|L\. ?512-2|clause d'exclusion|clause d’exclusion"),
    ("cessation", r"article 1(?:er)?,? ?C|cessation"),
    ("internal_protection", r"protection interne|internal (?:protection|relocation)"),
]


@dataclass
class Value:
    value: Any
    start: int = -1
    end: int = -1
    origin: str = "text"  # text | metadata | correction


@dataclass
class Structure:
    version: str = STRUCTURE_VERSION
    fields: dict[str, Value | None] = field(default_factory=dict)
    grounds: list[Value] = field(default_factory=list)  # the grounds the decision deals with
    retained: list[str] = field(default_factory=list)  # those on which protection was granted
    social_group: Value | None = None  # the group's definition, when a particular social group is retained
    special: list[Value] = field(default_factory=list)  # GDPR art. 9 data: {"category", "value"} — restricted
    provisions: list[Value] = field(default_factory=list)
    cited: list[Value] = field(default_factory=list)  # decisions cited: {"kind", "ref"}
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)  # header, facts, reasons, operative

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _v(m: re.Match[str] | None, value: Any = None, group: int = 0) -> Value | None:
    if m is None:
        return None
    return Value(value if value is not None else m.group(group).strip(), m.start(group), m.end(group))


def _iso(day: str, month: str, year: str) -> str | None:
    num = _MONTH_NUM.get(fold(month))
    try:
        return f"{int(year):04d}-{num:02d}-{int(day):02d}" if num else None
    except ValueError:
        return None


def _body(text: str, title: str, court: str | None) -> Value | None:
    head = text[:3000]
    for pattern, name in (
        (r"COUR NATIONALE DU DROIT D[’']ASILE", "CNDA"),
        (r"Cour nationale du droit d[’']asile", "CNDA"),
        (r"Tribunal administratif\s+N°\s*\d+\s+du\s+rôle\s+du\s+Grand-Duché", "TA Luxembourg"),
        (r"Cour administrative\s+N°[^\n]{0,40}Grand-Duché", "CA Luxembourg"),
        (r"Committee against Torture", "CAT"),
        (r"Human Rights Committee", "CCPR"),
        (r"Board of Immigration Appeals", "BIA"),
        (r"Bundesverwaltungsgericht|Tribunal administratif fédéral", "TAF"),
        (r"Cour constitutionnelle", "Cour constitutionnelle (BE)"),
        (r"Conseil d[’']Etat|Conseil d[’']État", "Conseil d'Etat"),
    ):
        m = re.search(pattern, head)
        if m:
            return Value(name, m.start(), m.end())
    m = re.match(r"(Cour administrative d'appel de [\w-]+|Tribunal [Aa]dministratif de [\w-]+)", title)
    if m:
        return Value(m.group(1).replace("Tribunal Administratif", "Tribunal administratif"), origin="metadata")
    return Value(court, origin="metadata") if court else None


def _file_number(text: str, title: str, body: str | None) -> Value | None:
    if body == "CNDA":
        return _v(re.search(r"N°\s*(\d{8})", text[:1500]), group=1)
    if body in ("TA Luxembourg", "CA Luxembourg"):
        return _v(re.search(r"N°\s*(\d+C?)\s+du rôle", text[:800]), group=1)
    if body in ("CAT", "CCPR"):
        return _v(re.search(r"Communication No\.?\s*(\d+/\d{4})", text[:2000]), group=1)
    if body == "BIA":
        return _v(re.search(r"\bID\s*(\d{4})", text[:3000]), group=1)
    m = re.search(r"n°\s*(\d{2}[A-Z]{2}\d{5}|\d{7})", title)
    if m:
        return Value(m.group(1), origin="metadata")
    return _v(re.search(r"\bN°\s*([\w/.-]{4,20})", text[:1500]), group=1)


def _decision_date(text: str, title: str, body: str | None) -> Value | None:
    if body == "CNDA":
        # "Lecture du 18 décembre" ... "2025", or "Lecture du 29" ... "juillet 2025": the layout splits them
        m = re.search(r"Lecture du\s+(\d{1,2})(?:er)?\b", text[:2500])
        if m:
            month = re.search(rf"\b({_MONTHS})\b", text[m.end() : m.end() + 300], re.I)
            if month:
                after = m.end() + month.end()
                year = re.search(r"\b(20\d\d|19\d\d)\b", text[after : after + 300])
                if year:
                    iso = _iso(m.group(1), month.group(1), year.group(1))
                    if iso:
                        return Value(iso, m.start(), after + year.end())
    if body in ("TA Luxembourg", "CA Luxembourg"):
        m = re.search(
            rf"Audience\s+publique(?:\s+extraordinaire)?\s+du\s+(\d{{1,2}})(?:er)?\s+({_MONTHS})\s+(\d{{4}})",
            text[:1500],
            re.I,
        )
        if m:
            return Value(_iso(m.group(1), m.group(2), m.group(3)), m.start(), m.end())
    if body in ("CAT", "CCPR"):
        m = re.search(rf"Date of (?:the )?(?:present )?decision:?\s*(\d{{1,2}}) ({_MONTHS}) (\d{{4}})", text, re.I)
        if m:
            return Value(_iso(m.group(1), m.group(2), m.group(3)), m.start(), m.end())
    m = re.search(r"du (\d{4}-\d{2}-\d{2})$", title)
    if m:
        return Value(m.group(1), origin="metadata")
    return None


def _formation(text: str, title: str, body: str | None) -> Value | None:
    head = text[:2500]
    m = re.search(r"\(\s*Grande formation\s*\)|\(\s*Sections réunies\s*\)", head, re.I)
    if m:
        return Value("grande formation" if "grande" in m.group(0).lower() else "sections réunies", m.start(), m.end())
    m = re.search(
        r"\(\s*(\d+)\s*(?:ème|e|ère|re|er)\s+[Ss]ection,\s*(\d+)\s*(?:ème|e|ère|re|er)\s+[Cc]hambre\s*\)", head
    )
    if m:
        return Value(f"section {m.group(1)}, chambre {m.group(2)}", m.start(), m.end())
    if body in ("TA Luxembourg", "CA Luxembourg"):
        single = re.search(r"Par\s+ces\s+motifs,\s*le\s+premier\s+juge", text)
        if single:
            return Value("juge unique", single.start(), single.end())
        m = re.search(r"\b(\d+)e chambre\b", head)
        if m:
            return Value(f"chambre {m.group(1)}", m.start(), m.end())
    m = re.search(r"(\d+)(?:ème|e) chambre", head)
    if m:
        return Value(f"chambre {m.group(1)}", m.start(), m.end())
    m = re.search(r"(\d+)(?:ème|e) chambre", title)
    if m:
        return Value(f"chambre {m.group(1)}", origin="metadata")
    return None


def _importance(text: str, body: str | None) -> Value | None:
    if body != "CNDA":
        return None
    end = text.find("Vu la proc")
    head = text[: end if end > 0 else 2500]
    m = re.search(r"(?m)^\s*(C ?\+|C|R)\s*$|\s(C ?\+|R)\s+095-", head)
    if m is None:
        return None
    raw = (m.group(1) or m.group(2)).replace(" ", "")
    return Value(raw, m.start(), m.end())


def _gender(text: str, body: str | None) -> Value | None:
    head = text[:1500]
    if body == "CNDA":
        m = re.search(r"(?m)^(?:OFPRA c\. )?(Mme|M\.)\s", head)
        if m is None:
            m = re.search(r"\b(Mme|M\.) [A-Z]", head)
    elif body in ("TA Luxembourg", "CA Luxembourg"):
        m = re.search(r"Recours\s+formé\s+par\s+(Monsieur|Madame)", head)
    elif body in ("CAT", "CCPR"):
        m = re.search(r"The complainant is (Mr|Ms|Mrs)\.?", text[:5000])
    else:
        m = re.search(r"\b(Mme|M\.) [A-Z]", text[:1500])
    if m is None:
        return None
    return Value("F" if m.group(1) in ("Mme", "Madame", "Ms", "Mrs") else "M", m.start(1), m.end(1))


def _country(text: str, title: str, body: str | None) -> Value | None:
    dem = demonyms()
    patterns = [
        r"de nationalit[ée] (?!et\b)([a-zéèëïî-]+)",
        r"ressortissante? (?!d['’]un\b|de pays\b)([a-zéèëïî-]+)",
        r"a national of (?:the )?([A-Z][\w ]+?)(?:,|\.| born)",
        r"ressortissante? de (?:la |l['’]|du )?([A-Z][\w ’'-]+?)(?:,|\.| né)",
        r"(?:return|deportation|removal|expulsion)(?: of the complainant)? to (?:the )?([A-Z][\w ]+?)(?: would| does| is|,|\.)",
        r"d['’]origine ([a-zéèëïî-]+)",
    ]
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            word = m.group(1).strip()
            code = _demonym(word, dem) or country_code(word)
            if code:
                return Value(code, m.start(1), m.end(1))
    head = title.split(":")[0].split("/")[0].strip()
    if head and len(head) < 40:
        code = country_code(head)
        if code:
            return Value(code, origin="metadata")
    return None


def _demonym(word: str, dem: dict[str, str]) -> str | None:
    """ "tunisienne", "guinéenne", "sud-soudanaise": the country of a nationality adjective, any gender."""
    key = " ".join(fold(w) for w in word.replace("-", " ").split())
    for variant in (key, key[:-1], key[:-2], key[:-3] if key.endswith("nne") else key):
        if variant in dem:
            return dem[variant]
    return None


def _outcome(text: str, body: str | None, metadata: str | None) -> Value | None:
    tail_at = max(
        text.rfind("D E C I D E"),
        text.rfind("DECIDE"),
        text.rfind("DÉCIDE"),
        text.rfind("ORDONNE"),
        text.rfind("Par ces motifs"),
        text.rfind("PAR CES MOTIFS"),
        text.rfind("acting under article 22"),
    )
    tail = text[tail_at:] if tail_at >= 0 else text[-3000:]
    base = tail_at if tail_at >= 0 else len(text) - len(tail)
    # separate opinions after the operative part are not the decision ("Individual opinion ... (dissenting)")
    cut = re.search(r"\bAppendix\b|Individual opinion|Opinion (?:individuelle|dissidente)|Joint opinion", tail)
    if cut:
        tail = tail[: cut.start()]
    rules = [
        ("refugee_status", r"qualité de réfugiée?s? (?:est|sont) (?:reconnue|accordée)|recognised as a refugee"),
        ("subsidiary_protection", r"bénéfice de la protection subsidiaire est accordé"),
        ("violation", r"would constitute a (?:breach|violation)|constitue(?:rait)? une violation"),
        (
            "rejection",
            r"(?:recours|requête|demande).{0,80}?(?:est|sont) rejetée?s?|en\s+déboute|"
            r"(?:would|does) not constitute a (?:breach|violation)|est rejetée",
        ),
        ("annulment", r"est annulée?\b"),
    ]
    for name, pattern in rules:
        m = re.search(pattern, tail, re.I)
        if m:
            return Value(name, base + m.start(), base + m.end())
    if metadata:
        lowered = metadata.lower()
        for name, cue in (
            ("refugee_status", "refugee"),
            ("rejection", "dismissed"),
            ("rejection", "rejected"),
            ("rejection", "denied"),
            ("rejection", "rejet"),
            ("annulment", "granted"),
            ("annulment", "upheld"),
            ("inadmissibility", "inadmissible"),
        ):
            if cue in lowered:
                return Value(name, origin="metadata")
    return None


def _grounds(text: str, body: str | None) -> list[Value]:
    out: list[Value] = []
    seen: set[str] = set()
    head_end = text.find("Vu la proc")
    head = text[: head_end if head_end > 0 else 3000]
    for m in re.finditer(r"095-[\d-]+", head):
        code = m.group(0).rstrip("-")
        for prefix, name in sorted(GROUND_CODES.items(), key=lambda kv: -len(kv[0])):
            if code.startswith(prefix) and name not in seen:
                seen.add(name)
                out.append(Value(name, m.start(), m.end()))
                break
    if out:
        return out
    for name, pattern in GROUND_WORDS:
        found = re.search(pattern, text, re.I)
        if found and name not in seen:
            seen.add(name)
            out.append(Value(name, found.start(), found.end()))
    return out


_PROVISIONS = [
    (r"article L\. ?(\d{3}-\d+)(?:,? (\d)°)?[^.]{0,60}code de l[’']entrée et du séjour", "CESEDA L.{0}{1}"),
    (r"article 1er?,? ?(A|F|C|D)(?:,? ?(\d|[abc]\)?))? de la convention de Genève", "Convention 1{0}{1}"),
    (r"article (\d+) de la convention européenne de sauvegarde", "CEDH art. {0}"),
    (r"article (\d+)[^.]{0,40}directive 2011/95/UE", "Directive 2011/95/UE art. {0}"),
    (r"article (\d+) of the Convention(?: against Torture)?", "CAT art. {0}"),
]
_CITED = [
    (r"\bC-\d{1,4}/\d{2}\b", "CJEU"),
    (r"ECLI:[A-Z]{2}:[A-Z]+:\d{4}:[\w.]+", "ECLI"),
    # "CNDA 12 juillet 2024 M. X. n° 23012345": the parties' initials carry full stops
    (r"(?:CNDA|Cour nationale du droit d[’']asile)[^;\n]{0,100}?n° ?(\d{8})", "CNDA"),
    (r"\b(?:CE|Conseil d[’']Etat)\b[^;\n]{0,100}?n° ?(\d{6})\b", "CE"),
    (
        r"(?:CEDH|CourEDH|Cour européenne des droits de l[’']homme|ECtHR)[^.;]{0,120}?(?:requête|application) (?:n°|no\.?) ?(\d+/\d{2})",
        "ECtHR",
    ),
]


def _provisions(text: str) -> list[Value]:
    out: dict[str, Value] = {}
    for pattern, label in _PROVISIONS:
        for m in re.finditer(pattern, text, re.I):
            groups = [g or "" for g in m.groups()]
            value = label.format(*(groups + ["", ""])).replace("L.512-13", "L.512-1 3°")
            if groups and len(groups) > 1 and groups[1] and label.startswith("CESEDA"):
                value = f"CESEDA L.{groups[0]} {groups[1]}°"
            out.setdefault(value.strip(), Value(value.strip(), m.start(), m.end()))
    return list(out.values())


def _cited(text: str, own: str | None) -> list[Value]:
    out: dict[str, Value] = {}
    for pattern, kind in _CITED:
        for m in re.finditer(pattern, text):
            ref = m.group(1) if m.groups() else m.group(0)
            if ref == own:
                continue
            out.setdefault(f"{kind}:{ref}", Value({"kind": kind, "ref": ref}, m.start(), m.end()))
    return list(out.values())


def _sections(text: str, body: str | None) -> dict[str, tuple[int, int]]:
    def first(*patterns: str) -> int:
        found = [m.start() for p in patterns if (m := re.search(p, text))]
        return min(found) if found else -1

    facts = first(
        r"Vu la procédure", r"Vu la requête", r"\n\s*1\.1\s*The complainant", r"The facts as (?:submitted|presented)"
    )
    reasons = first(r"Considérant ce qui suit", r"En droit|EN DROIT", r"Issues and proceedings before the Committee")
    operative = max(
        text.rfind("D E C I D E"),
        text.rfind("DECIDE :"),
        text.rfind("O R D O N N E"),
        text.rfind("Par ces motifs"),
        text.rfind("acting under article 22"),
    )
    out: dict[str, tuple[int, int]] = {}
    points = {"header": 0, "facts": facts, "reasons": reasons, "operative": operative}
    ordered = sorted((p, n) for n, p in points.items() if p >= 0)
    for i, (start, name) in enumerate(ordered):
        end = ordered[i + 1][0] if i + 1 < len(ordered) else len(text)
        if end > start:
            out[name] = (start, end)
    return out


_ETHNIC = (
    "zaghawa|massalit|masalit|four|fur|peul|peule|peuls|fulani|hazara|hazaras|tadjik|pachtoune|pashtoun|kurde|"
    "yézidi|yezidi|yazidi|rohingya|tamoul|amhara|oromo|tigréen|tigréenne|hutu|tutsi|soninké|bambara|malinké|dioula|"
    "baloutche|nuba|berti|tunjur"
)
_RELIGION = (
    r"de confession (\w+)|\b(chrétien(?:ne)?|musulman(?:e)?|converti(?:e)? au christianisme|chiite|sunnite|ahmadi|"
    r"athée|apostat(?:e)?|baha[ïi]e?|catholique|protestante?|évangélique)\b"
)
_POLITICAL = r"\b(militante?|membre|sympathisante?) (?:actif |active )?(?:du|de la|de l['’]|d['’]un|d['’]une) ((?:parti|mouvement|union|front|organisation|association)[^,.;:]{2,60})"
_SOGI = r"\b(homosexuel(?:le)?s?|transgenres?|orientation sexuelle|identité de genre|lesbiennes?|bisexuel(?:le)?s?|LGBT\w*)\b"
_BIRTH = rf"\b(?:née?|born)(?: le| on)? (\d{{1,2}})(?:er)? ({_MONTHS}) (\d{{4}})"


def _special(text: str) -> list[Value]:
    """Special-category data (ethnicity, religion, political affiliation, sexual orientation or gender
    identity) as the decision states them: shown only to roles allowed to see them."""
    out: list[Value] = []
    seen: set[tuple[str, str]] = set()

    def add(category: str, value: str, start: int, end: int) -> None:
        key = (category, fold(value))
        if key not in seen:
            seen.add(key)
            out.append(Value({"category": category, "value": value.strip()}, start, end))

    for m in re.finditer(rf"d['’]ethnie ([\w-]+)|\b({_ETHNIC})\b", text, re.I):
        add("ethnicity", (m.group(1) or m.group(2)).lower(), m.start(), m.end())
    for m in re.finditer(_RELIGION, text, re.I):
        add("religion", (m.group(1) or m.group(2)).lower(), m.start(), m.end())
    for m in re.finditer(_POLITICAL, text):
        add("political", m.group(2), m.start(), m.end())
    for m in re.finditer(_SOGI, text, re.I):
        add("sogi", m.group(1).lower(), m.start(), m.end())
    return out[:20]


def _age_band(text: str, decided: str | None) -> Value | None:
    m = re.search(_BIRTH, text, re.I)
    if m is None or not decided:
        return None
    born = _iso(m.group(1), m.group(2), m.group(3))
    if born is None:
        return None
    age = int(decided[:4]) - int(born[:4]) - (decided[5:] < born[5:])
    band = "<18" if age < 18 else "18-25" if age <= 25 else "26-35" if age <= 35 else "36-50" if age <= 50 else ">50"
    return Value(band, m.start(), m.end())


def _procedure(text: str) -> Value | None:
    for name, pattern in (
        ("revision", r"recours en révision"),
        ("reexamination", r"demande de réexamen|subsequent application"),
        ("accelerated", r"procédure accélérée|accelerated procedure"),
        ("end_of_protection", r"fin de (?:la )?protection|cessation du statut|retrait du statut"),
        ("dublin", r"règlement \(UE\) n° ?604/2013|Dublin III"),
    ):
        m = re.search(pattern, text, re.I)
        if m:
            return Value(name, m.start(), m.end())
    return Value("normal", origin="default")


def _exclusion_clause(text: str) -> Value | None:
    """Which exclusion clause: 1F(a), 1F(b), 1F(c) of the Geneva Convention, 1D, or CESEDA L.512-2."""
    m = re.search(r"(?:article\s+)?1(?:er)?,?\s*(?:section\s+)?F,?\s*([abc])\)", text)
    if m:
        return Value(f"1F({m.group(1)})", m.start(), m.end())
    m = re.search(r"(?:article\s+)?1(?:er)?,?\s*(?:section\s+)?D\b(?! ?\))", text)
    if m:
        return Value("1D", m.start(), m.end())
    m = re.search(r"L\. ?512-2", text)
    return Value("L.512-2", m.start(), m.end()) if m else None


GENEVA = ("race", "religion", "nationality", "social_group", "political_opinion")
SUBSIDIARY = ("subsidiary_1", "subsidiary_2", "subsidiary_3")


def structure(text: str, title: str, court: str | None = None, outcome: str | None = None) -> Structure:
    body = _body(text, title, court)
    body_name = body.value if body else None
    number = _file_number(text, title, body_name)
    ecli = _v(re.search(r"ECLI:[A-Z]{2}:[A-Z]+:\d{4}:[\w.]+", text[:3000]))
    s = Structure()
    s.fields = {
        "body": body,
        "formation": _formation(text, title, body_name),
        "decision_date": _decision_date(text, title, body_name),
        "file_number": number,
        "ecli": ecli,
        "importance": _importance(text, body_name),
        "gender": _gender(text, body_name),
        "country": _country(text, title, body_name),
        "outcome": _outcome(text, body_name, outcome),
    }
    s.grounds = _grounds(text, body_name)
    decision_date, outcome_value = s.fields.get("decision_date"), s.fields.get("outcome")
    decided = decision_date.value if decision_date else None
    s.fields["age_band"] = _age_band(text, decided)
    s.fields["procedure"] = _procedure(text)
    result = outcome_value.value if outcome_value else None
    dealt = [g.value for g in s.grounds]
    if result == "refugee_status":
        s.retained = [g for g in dealt if g in GENEVA]
    elif result == "subsidiary_protection":
        s.retained = [g for g in dealt if g in SUBSIDIARY] or ["subsidiary"]
    if "social_group" in s.retained:
        # the holding comes after the general rule: the last sentence that says who forms the group
        holding = r"[^.]{0,300}constitu\w*,?(?: dans [^,]{0,80},)? (?:un|une) (?:certain )?groupe social[^.]{0,300}\."
        groups = list(re.finditer(holding, text))
        s.social_group = _v(groups[-1]) if groups else None
    s.fields["exclusion_clause"] = _exclusion_clause(text) if "exclusion" in dealt else None
    s.special = _special(text)
    s.provisions = _provisions(text)
    s.cited = _cited(text, number.value if number else None)
    s.sections = _sections(text, body_name)
    return s
