"""OKR quality rules (SPEC §3.1), checked as the team types, in Chinese and English.

Inputs are plain dicts (DB rows or spreadsheet rows); any field may be missing,
None or "". Every rule yields exactly one Finding per entity — PASS included,
so strength (findings.strength) can be computed per objective, team and company.
A Finding's `message` is the catalog key ``quality.<rule>.<code>`` and its
`example` is ``quality.example.<rule>`` (a weak → strong rewrite).

Decisions where SPEC leaves room:
- Objectives carry no numbers by design, so a vague verb in an objective
  (提升用户体验 / "improve UX") is only a WARN, and only when the title also
  names no end state (让 / 从而 / so that / to …).
- A KR whose vague verb has no number in the sentence fails only when the KR
  has no number at all; if baseline/target fields hold the numbers it warns
  ("write the number into the sentence").
- time-bound: deadline field missing but the statement says "Q4"/"年底"/
  "by 2026-12" → WARN (completeness already FAILs the empty deadline field);
  missing in both → FAIL; a date or stated year outside plan_year → FAIL.
- check_statement() gives live feedback on one text box: it does not warn about
  a missing baseline (that lives in its own field), and a sentence without any
  time words only WARNs (the deadline field may carry it).
- Alignment beyond the SPEC list: a company objective that supports a KR warns
  ("company objectives anchor the tree"); supporting a KR of the same or a lower
  level fails (align.level.upside_down).
- Risk plan: the plan is cut into clauses — conditions (if / 若 / 一旦 … / …时), actions, and
  cost or expected-result clauses (cost / 成本 / 追加成本 / 预计 …). A measure is an action
  verb with its object that no vague verb governs ("改签腰部达人", not "优化投放"), an action
  with a number of its own (money and dates aside: "fall back to 720p"), or, after a
  condition, any action that is not vague ("若支付延期，先用货到付款过渡"). The cost is read
  outside the conditions: "if CAC exceeds ¥200" is a threshold, not a cost.
- Messages that name several fields take a FieldList param; the catalog
  renders it in the reader's language with ``{fields:zh}`` / ``{fields:en}``.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from strategy_core.findings import FAIL, PASS, WARN, Finding, strength
from strategy_core.quality.text import (
    CLAUSE_SPLIT_RE, COST_HEAD_RE, DIGITS_RE, EN_ACTIVITY_RE, EN_CHANGE_RE, EN_DELIVERABLE_RE, EN_EMPTY_RE,
    EN_MEASURE_RE, EN_PLACEHOLDER_RE, EN_PURPOSE_RE, EN_RESULTS_RE, EN_SERVES_RE, EN_SPLIT_RE, EN_VAGUE_RE,
    EXPECT_HEAD_RE, FROM_TO_RE, LATIN_WORD_RE, MONEY_RE, MONEY_SPAN_RE, TIME_RE, TRIGGER_END_RE, TRIGGER_RE,
    TRIGGER_THEN_RE, WORD_CHAR_RE, YEAR_RE, ZH_PURPOSE_RE, as_date, find_number, first_word, fmt_number, id_key,
    id_list, is_blank, is_cjk, make_finding, normalised, number_in, strip_time)
from strategy_core.quality.words import (
    DIRECTIONS, DIRECTION_ALIASES, FieldList, LEVELS, RULES, ZH_ACTIVITY, ZH_CHANGE_VERBS, ZH_DELIVERABLE_VERBS,
    ZH_EMPTY_ACTIONS, ZH_MEASURES, ZH_PLACEHOLDERS, ZH_RESULTS, ZH_SPLIT_WORDS, ZH_VAGUE_VERBS, catalog_keys)

__all__ = ["RULES", "FieldList", "catalog_keys", "check_statement", "check_objective", "check_key_result",
           "check_alignment", "check_all", "strength_by"]


# ---------------------------------------------------------------- text rules
def _objective_text_rules(title: Any, eid: Any) -> list[Finding]:
    s = normalised(title).strip()
    ent, out = "objective", []
    # direction, not number
    number = find_number(strip_time(s), strict=True)
    cjk = sum(1 for ch in s if is_cjk(ch))
    words = len(LATIN_WORD_RE.findall(s))
    if cjk and cjk >= words:
        short, long_ = cjk + words < 4, cjk + words > 40
    else:
        short, long_ = words < 3, words > 20
    if not s:
        out.append(make_finding("obj.direction", WARN, ent, eid, "empty", "title"))
    elif number:
        out.append(make_finding("obj.direction", WARN, ent, eid, "has_number", "title", number=number))
    elif short or long_:
        out.append(make_finding("obj.direction", WARN, ent, eid,
                            "too_short" if short else "too_long", "title"))
    else:
        out.append(make_finding("obj.direction", PASS, ent, eid, "ok", "title"))
    # outcome, not deliverable
    head = s.lstrip(" \t\r\n-–—*•·:：,.，。、0123456789)）(（")
    m = TIME_RE.match(head)
    if m:
        head = head[m.end():].lstrip(" ,:，：")
    verb = next((w for w in ZH_DELIVERABLE_VERBS if head.startswith(w)), None)
    if verb is None:
        em = EN_DELIVERABLE_RE.match(head)
        verb = em.group(1) if em else None
    rest = head[len(verb):] if verb and head.startswith(verb) else head
    has_purpose = bool(ZH_PURPOSE_RE.search(s) or EN_PURPOSE_RE.search(s))
    if verb and not (has_purpose or first_word(rest, ZH_VAGUE_VERBS + ZH_CHANGE_VERBS, EN_CHANGE_RE)):
        out.append(make_finding("obj.outcome", FAIL, ent, eid, "deliverable", "title", verb=verb))
    else:
        out.append(make_finding("obj.outcome", PASS, ent, eid, "ok", "title"))
    # vague verbs: objectives carry no numbers by design → warn only without an end state
    vague = first_word(s, ZH_VAGUE_VERBS, EN_VAGUE_RE)
    if vague and not has_purpose and not number:
        out.append(make_finding("obj.vague_verb", WARN, ent, eid, "vague", "title", verb=vague))
    else:
        out.append(make_finding("obj.vague_verb", PASS, ent, eid, "ok", "title"))
    return out


def _kr_text_rules(statement: Any, metric: Any, eid: Any,
                   has_field_numbers: bool) -> tuple[list[Finding], str | None]:
    """kr.vague_verb and kr.impact, plus the statement's own number (time words removed)."""
    s = normalised(statement)
    number = find_number(strip_time(s))
    ent, out = "key_result", []
    vague = first_word(s, ZH_VAGUE_VERBS, EN_VAGUE_RE)
    if vague and not number:
        sev, code = (WARN, "vague_fields") if has_field_numbers else (FAIL, "vague")
        out.append(make_finding("kr.vague_verb", sev, ent, eid, code, "statement", verb=vague))
    else:
        out.append(make_finding("kr.vague_verb", PASS, ent, eid, "ok", "statement"))
    text = s + " " + normalised(metric)
    effort = first_word(text, ZH_ACTIVITY, EN_ACTIVITY_RE)
    if effort:
        served = (first_word(text, ZH_RESULTS, EN_RESULTS_RE) or ZH_PURPOSE_RE.search(text)
                  or EN_SERVES_RE.search(text))
        sev, code = (WARN, "effort_mixed") if served else (FAIL, "effort_only")
        out.append(make_finding("kr.impact", sev, ent, eid, code, "statement", word=effort))
    else:
        out.append(make_finding("kr.impact", PASS, ent, eid, "ok", "statement"))
    return out, number


def check_statement(text: str, kind: str = "key_result") -> list[Finding]:
    """Live feedback on one text box: only the rules that read the text itself.

    kind="key_result": kr.measurable (no number → fail), kr.time_bound (no quarter/date
    words → warn, the deadline field may carry it), kr.vague_verb, kr.impact.
    kind="objective": obj.direction, obj.outcome, obj.vague_verb. entity_id is None.
    """
    if kind == "objective":
        return _objective_text_rules(text, None)
    if kind != "key_result":
        raise ValueError(f"unknown kind {kind!r}; allowed: objective, key_result")
    out, number = _kr_text_rules(text, None, None, False)
    ent = "key_result"
    out.insert(0, make_finding("kr.measurable", PASS if number else FAIL, ent, None,
                           "ok" if number else "no_number", "statement"))
    timed = TIME_RE.search(normalised(text))
    out.insert(1, make_finding("kr.time_bound", PASS if timed else WARN, ent, None,
                           "ok" if timed else "no_time_text", "deadline"))
    return out


# ---------------------------------------------------------------- objectives and KRs
def check_objective(obj: dict, krs: list[dict]) -> list[Finding]:
    """obj.direction, obj.outcome, obj.vague_verb on the title, obj.kr_count on *krs*
    (the caller passes this objective's key results)."""
    eid = obj.get("id")
    out = _objective_text_rules(obj.get("title"), eid)
    n = len(krs or [])
    sev, code = ((FAIL, "none") if n == 0 else (WARN, "one") if n == 1
                 else (FAIL, "too_many") if n > 5 else (PASS, "ok"))
    out.append(make_finding("obj.kr_count", sev, "objective", eid, code, None, count=n))
    return out


def check_key_result(kr: dict, plan_year: int | None = None) -> list[Finding]:
    """All KR rules: measurable, complete, time_bound, impact, direction, vague_verb,
    resources, risk_plan — one finding each."""
    eid, ent = kr.get("id"), "key_result"
    base, target = number_in(kr.get("baseline")), number_in(kr.get("target"))
    low, high = number_in(kr.get("band_low")), number_in(kr.get("band_high"))
    direction = normalised(kr.get("direction")).strip() or None
    direction = DIRECTION_ALIASES.get(direction, direction)
    stmt = normalised(kr.get("statement"))
    text_rules, stmt_number = _kr_text_rules(stmt, kr.get("metric"), eid,
                                            base is not None or target is not None)
    out: list[Finding] = []
    # measurable
    if not (stmt_number or any(x is not None for x in (base, target, low, high))):
        out.append(make_finding("kr.measurable", FAIL, ent, eid, "no_number", "statement"))
    elif base is None and not FROM_TO_RE.search(strip_time(stmt)):
        code = "no_baseline" if target is not None else "no_baseline_target"
        out.append(make_finding("kr.measurable", WARN, ent, eid, code, "baseline", target=fmt_number(target)))
    else:
        out.append(make_finding("kr.measurable", PASS, ent, eid, "ok", "baseline"))
    # complete
    raw_deadline = kr.get("deadline")
    deadline = as_date(raw_deadline)
    deadline_text = "" if deadline or is_blank(raw_deadline) else normalised(raw_deadline)
    has_target = target is not None or (direction == "band" and low is not None and high is not None)
    missing = [f for f, ok in (("baseline", base is not None), ("target", has_target),
                               ("deadline", bool(deadline or TIME_RE.search(deadline_text))),
                               ("owner", not is_blank(kr.get("owner")))) if not ok]
    if missing:
        out.append(make_finding("kr.complete", FAIL, ent, eid, "missing", missing[0],
                            fields=FieldList(missing)))
    else:
        out.append(make_finding("kr.complete", PASS, ent, eid, "ok", None))
    # time-bound ("Q4" / "年底" typed into the deadline field counts as a deadline)
    in_field = " ".join(m.group(0) for m in TIME_RE.finditer(deadline_text))
    said = in_field + " " + " ".join(m.group(0) for m in TIME_RE.finditer(stmt))
    years = [int(y) for y in YEAR_RE.findall(said)]
    if deadline and plan_year and deadline.year != plan_year:
        out.append(make_finding("kr.time_bound", FAIL, ent, eid, "outside_year", "deadline",
                            deadline=deadline.isoformat(), plan_year=plan_year))
    elif not deadline and plan_year and any(y != plan_year for y in years):
        out.append(make_finding("kr.time_bound", FAIL, ent, eid, "outside_year", "deadline",
                            deadline=str(next(y for y in years if y != plan_year)), plan_year=plan_year))
    elif deadline or in_field:
        out.append(make_finding("kr.time_bound", PASS, ent, eid, "ok", "deadline"))
    elif said.strip():
        out.append(make_finding("kr.time_bound", WARN, ent, eid, "text_only", "deadline"))
    else:
        out.append(make_finding("kr.time_bound", FAIL, ent, eid, "no_deadline", "deadline"))
    out.append(text_rules[1])  # kr.impact
    out.append(_direction(direction, base, target, low, high, eid))
    out.append(text_rules[0])  # kr.vague_verb
    out.append(_resources(kr, eid))
    out.append(_risk_plan(kr.get("risk_plan"), eid))
    return out


def _direction(direction, base, target, low, high, eid) -> Finding:
    def f(sev, code, **p):
        return make_finding("kr.direction", sev, "key_result", eid, code, "direction", **p)
    b, tg = fmt_number(base), fmt_number(target)
    both = base is not None and target is not None
    if direction is None:
        if both and base == target:
            return f(FAIL, "equal", baseline=b)
        if both:
            return f(FAIL, "missing_up" if target > base else "missing_down", baseline=b, target=tg)
        return f(FAIL, "missing")
    if direction not in DIRECTIONS:
        return f(FAIL, "unknown", value=direction)
    if direction == "band":
        if low is None or high is None or low >= high:
            return f(FAIL, "band_invalid")
        if target is not None and not low <= target <= high:
            return f(FAIL, "band_outside", target=tg, low=fmt_number(low), high=fmt_number(high))
        return f(PASS, "ok")
    if both and base == target:
        return f(FAIL, "equal", baseline=b)
    if both and direction == "up" and target < base:
        return f(FAIL, "up_contradicts", baseline=b, target=tg)
    if both and direction == "down" and target > base:
        return f(FAIL, "down_contradicts", baseline=b, target=tg)
    return f(PASS, "ok")


def _resources(kr: dict, eid) -> Finding:
    def f(sev, code, fld, **p):
        return make_finding("kr.resources", sev, "key_result", eid, code, fld, **p)
    names = ("resources_money", "resources_people", "resources_things")
    texts = {n: normalised(kr.get(n)).strip() for n in names}
    if not any(texts.values()):
        return f(WARN, "empty", "resources_money")
    for n in names:
        word = texts[n] and first_word(texts[n], ZH_PLACEHOLDERS, EN_PLACEHOLDER_RE)
        if word:
            return f(WARN, "placeholder", n, word=word, fields=FieldList([n]))
    money, people = texts["resources_money"], texts["resources_people"]
    if money:
        if not (find_number(money) or MONEY_RE.search(money)):
            return f(WARN, "money_no_amount", "resources_money")
        amounts = len(DIGITS_RE.findall(money))
        if amounts < 2 and not first_word(money, ZH_SPLIT_WORDS, EN_SPLIT_RE):
            return f(WARN, "money_no_split", "resources_money")
    if people and not find_number(people):
        return f(WARN, "people_no_count", "resources_people")
    return f(PASS, "ok", None)


def _risk_clauses(s: str) -> tuple[list[str], list[str], list[str]]:
    """Split a plan into (conditions, actions, costs). A clause opening with if / 若 / 一旦 …
    (or ending in …时 / …的话) is a condition; an action after it in the same clause
    ("若 X 则 Y", "if X then Y") is split off. A clause opening with a cost (成本 / extra
    cost …, unless an action verb follows: "预算削减 20%") or an expectation (预计 / expected …)
    is the cost or the expected result. The rest are actions."""
    conds, actions, costs = [], [], []
    for c in CLAUSE_SPLIT_RE.split(s):
        c = c.strip(" \t-–*•·\"'“”‘’[]【】")
        if not c:
            continue
        if TRIGGER_RE.match(c) or TRIGGER_END_RE.search(c):
            parts = TRIGGER_THEN_RE.split(c, 1)
            conds.append(parts[0])
            if len(parts) > 1 and parts[1].strip():
                actions.append(parts[1].strip())
        elif EXPECT_HEAD_RE.match(c):
            costs.append(c)
        elif (m := COST_HEAD_RE.match(c)) and _measure_at(c, m.end()) is None:
            costs.append(c)                                      # but "预算削减 20%" is an action
        else:
            actions.append(c)
    if len(conds) == 1 and not actions and not costs:   # "若延迟超标降级为720p…" with no commas
        m = _measure_at(conds[0], 2)
        if m is not None:
            conds, actions = [conds[0][:m]], [conds[0][m:]]
    return conds, actions, costs


def _measure_at(text: str, start: int = 0) -> int | None:
    """Where the first measure verb that takes an object starts (None if there is none)."""
    hits = [(text.find(w, start), w) for w in ZH_MEASURES]
    hits = [i for i, w in hits if i >= 0 and WORD_CHAR_RE.search(text, i + len(w))]
    m = next((m for m in EN_MEASURE_RE.finditer(text, start) if WORD_CHAR_RE.search(text, m.end())), None)
    if m:
        hits.append(m.start())
    return min(hits) if hits else None


def _vague_at(text: str) -> int | None:
    """Where the first vague verb or empty action ("加强", "做好", "respond") starts."""
    hits = [text.find(w) for w in ZH_VAGUE_VERBS + ZH_EMPTY_ACTIONS]
    hits = [i for i in hits if i >= 0]
    hits += [m.start() for m in (EN_VAGUE_RE.search(text), EN_EMPTY_RE.search(text)) if m]
    return min(hits) if hits else None


def _action_kind(clause: str) -> str | None:
    """'concrete' — an action carrying a number of its own (money and dates aside: "回退到 20%
    权重", "fall back to 720p", "提高出价 20%"), or an action verb with its object that no vague
    verb governs ("改签腰部达人", but not "优化投放"); 'plain' — some other action of a few words
    (concrete only after a trigger); None — empty, or a vague verb + noun ("加强营销",
    "we will respond quickly")."""
    if find_number(strip_time(MONEY_SPAN_RE.sub(" ", clause))):
        return "concrete"
    vague, measure = _vague_at(clause), _measure_at(clause)
    if measure is not None and (vague is None or measure < vague):
        return "concrete"
    if vague is not None:
        return None
    cjk = sum(1 for ch in clause if is_cjk(ch))
    words = [w for w in LATIN_WORD_RE.findall(clause) if w not in ("we", "will", "we'll", "then")]
    return "plain" if cjk >= 3 or len(words) >= 2 else None


def _risk_plan(plan: Any, eid) -> Finding:
    """Actionable = a concrete measure plus a cost figure. A measure is an action verb with its
    object, an action with a number, or any non-vague action after a trigger ("if X, Y");
    the cost is looked for outside the trigger (a threshold in "if CAC exceeds ¥200" is no cost)."""
    def f(sev, code):
        return make_finding("kr.risk_plan", sev, "key_result", eid, code, "risk_plan")
    s = normalised(plan).strip()
    if not s:
        return f(WARN, "empty")
    conds, actions, costs = _risk_clauses(s)
    kinds = [_action_kind(a) for a in actions]
    measure = "concrete" in kinds or (bool(conds) and "plain" in kinds)
    cost = MONEY_RE.search(" ; ".join(actions + costs))
    if not measure and not cost:
        return f(FAIL, "slogan")
    if not measure:
        return f(FAIL, "no_measure")
    if not cost:
        return f(FAIL, "no_cost")
    return f(PASS, "ok")


# ---------------------------------------------------------------- alignment
def _cycle_members(edges: dict[Any, set]) -> set:
    """Objectives on (or between) alignment cycles: peel off sinks and sources until stable."""
    alive = set(edges) | {p for ps in edges.values() for p in ps}
    changed = True
    while changed:
        changed = False
        targets = {p for n in alive for p in edges.get(n, ()) if p in alive}
        for n in list(alive):
            if n not in targets or not any(p in alive for p in edges.get(n, ())):
                alive.discard(n)
                changed = True
    return alive


def check_alignment(objectives: list[dict], key_results: list[dict]) -> list[Finding]:
    """align.anchor (workspace), align.parent for every objective, align.level where the
    parent objective is known. Company objectives anchor the tree."""
    out: list[Finding] = []
    if objectives:
        has_company = any(normalised(o.get("level")).strip() == "company" for o in objectives)
        out.append(make_finding("align.anchor", PASS if has_company else FAIL, "workspace", None,
                            "ok" if has_company else "no_company", "level"))
    krs = {id_key(k.get("id")): k for k in key_results if id_key(k.get("id")) is not None}
    objs = {id_key(o.get("id")): o for o in objectives if id_key(o.get("id")) is not None}
    edges = {oid: {id_key(krs[r].get("objective_id")) for r in id_list(o.get("aligns_to")) if r in krs}
             for oid, o in objs.items()}
    cycle = _cycle_members(edges)
    for o in objectives:
        oid, eid = id_key(o.get("id")), o.get("id")
        level = normalised(o.get("level")).strip()
        refs = id_list(o.get("aligns_to"))

        def f(rule, sev, code, **p):
            return make_finding(rule, sev, "objective", eid, code, "aligns_to", **p)
        if level == "company":
            if oid is not None and oid in cycle:
                out.append(f("align.parent", FAIL, "cycle"))
            else:
                out.append(f("align.parent", WARN, "company_aligned") if refs
                           else f("align.parent", PASS, "ok"))
            continue
        if not refs:
            out.append(f("align.parent", FAIL, "orphan"))
            continue
        if len(refs) > 1:
            out.append(f("align.parent", FAIL, "two_parents", count=len(refs)))
            continue
        kr = krs.get(refs[0])
        if kr is None:
            out.append(f("align.parent", FAIL, "missing_kr", ref=str(refs[0])))
            continue
        parent_id = id_key(kr.get("objective_id"))
        if oid is not None and parent_id == oid:
            out.append(f("align.parent", FAIL, "own_kr"))
            continue
        if oid is not None and oid in cycle:
            out.append(f("align.parent", FAIL, "cycle"))
            continue
        out.append(f("align.parent", PASS, "ok"))
        parent = objs.get(parent_id)
        mine, theirs = LEVELS.get(level), LEVELS.get(normalised(parent and parent.get("level")).strip())
        if mine is None or theirs is None:
            continue
        gap = mine - theirs
        out.append(f("align.level", PASS if gap == 1 else WARN if gap > 1 else FAIL,
                     "ok" if gap == 1 else "skip" if gap > 1 else "upside_down"))
    return out


# ---------------------------------------------------------------- workspace
def check_all(objectives: list[dict], key_results: list[dict],
              plan_year: int | None = None) -> list[Finding]:
    """Alignment, then every objective (with its KRs counted), then every KR."""
    by_obj: dict[Any, list[dict]] = defaultdict(list)
    for k in key_results:
        by_obj[id_key(k.get("objective_id"))].append(k)
    out = check_alignment(objectives, key_results)
    for o in objectives:
        oid = id_key(o.get("id"))
        out += check_objective(o, by_obj.get(oid, []) if oid is not None else [])
    for k in key_results:
        out += check_key_result(k, plan_year)
    return out


def strength_by(findings: Iterable[Finding], objectives: list[dict],
                key_results: list[dict]) -> dict:
    """Strength per objective id, per team (the objective's team) and for the company.
    A KR's findings count towards its objective; workspace findings only to the company."""
    findings = list(findings)
    kr_obj = {id_key(k.get("id")): id_key(k.get("objective_id")) for k in key_results}
    per_obj: dict[Any, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.entity == "objective":
            per_obj[id_key(f.entity_id)].append(f)
        elif f.entity == "key_result":
            oid = kr_obj.get(id_key(f.entity_id))
            if oid is not None:
                per_obj[oid].append(f)
    per_team: dict[str, list[Finding]] = {}
    for o in objectives:
        team = "" if is_blank(o.get("team")) else str(o.get("team")).strip()
        if team:
            per_team.setdefault(team, []).extend(per_obj.get(id_key(o.get("id")), []))
    return {
        "objective": {o.get("id"): strength(per_obj.get(id_key(o.get("id")), [])) for o in objectives},
        "team": {team: strength(fs) for team, fs in per_team.items()},
        "company": strength(findings),
    }

