"""The default construction: link each value to its nearest plausible subject, index and year.

For every value mention (rank, change, score, percentage, target) this builds
the rules' pairing from the slot fillers of :mod:`..slots` (and
:mod:`.coordination` for a first place or a goal named with several indices),
as candidate facts with the cues that chose them in their features.

The pairings the rules build and then throw away (no subject, an index outside
the schema nearest the value, a target-modality rank, a structure-like score, a
percent change of a non-percent index, "giữ nguyên" without a base) go to the
``dropped`` list, marked with the reason, for the classifier to weigh.
"""
from __future__ import annotations

import regex

from extractors.mention import Mention

from pipeline.core.linking import slots
from pipeline.core.linking.constructions.coordination import coordinated
from pipeline.core.linking.context import VIETNAM
from pipeline.records import Candidate

NAME = "nearest"
#: Indices whose score is a percentage ("chỉ số SIPAS đạt 86,72%").
_PCT_INDICES = {"SIPAS", "PAR_INDEX"}
#: A group right after a rank: "trong 6 tỉnh Bắc Trung Bộ", "khu vực Tây Nguyên", "trong 5 thành phố trực
#: thuộc Trung ương", "trong vùng ĐBSCL"; its size when stated.
_GROUP_AFTER = regex.compile(
    r"\s*(?:(?:trong|của|ở|tại)\s+(?:số\s+)?(?:các\s+)?)?(?P<name>(?P<n>\d{1,2})\s+(?:tỉnh|địa\s+phương|thành\s+phố)"
    r"(?:,\s*thành(?:\s+phố)?)?\s+(?:(?:trực\s+thuộc\s+Trung\s+ương|[\p{Lu}][\p{L}&]*)\s*)+"
    r"|(?:khu\s+vực|vùng|miền)\s+(?:[\p{Lu}][\p{L}&]*[\s-]*)+)")
_BASE_VALUE = regex.compile(r"so\s+với\s+năm\s+\d{4}\s*\(\s*$", regex.I)
_TARGET_YEAR = regex.compile(r"(?:đến|tới|vào)\s+năm\s+(\d{4})|giai\s+đoạn\s+\d{4}\s*[-–]\s*(\d{4})|[Nn]ăm\s+(\d{4})")


def candidates_for(a, v: Mention, dropped: list[Candidate] | None = None) -> list[Candidate]:
    """The rules' candidates for value ``v``.

    With ``dropped`` (a list), the pairings the rules build but then throw away
    (no subject, an unnamed index, a target-modality rank, a structure-like
    score, a percent change of a non-percent index, "giữ nguyên" without a base)
    are appended there as ``rule_choice=False`` candidates marked with the reason,
    so the classifier can recover the ones that are facts. They never change the
    rules' own output or the running context.
    """
    ctx = a.ctx
    subj, how, sfeat = slots.subject_for(a, v)
    modality = slots.modality_for(a, v)
    reason: str | None = None

    def keep(cands: list[Candidate]) -> list[Candidate]:
        if reason is None:
            return cands
        if dropped is not None:
            for c in cands:
                c.rule_choice, c.rule = False, c.rule + "+dropped"
                c.features = {**c.features, f"dropped_{reason}": 1.0}
                c.group, c.value = (v.start, c.type, "dropped", len(dropped)), v
                dropped.append(c)
        return []

    if v.kind == "percentage":
        p = subj
        if how in ("carry", "main") and a.subjects and any(s.attrs["role"] == "national" and not slots.ranking_scope(a, s) for s in a.subjects):
            p = VIETNAM
        elif p is None and how == "local":
            p = a.ctx.main_province  # a district's or an agency's share belongs to the article's province
        elif p is None and how in ("main", "org", "region"):
            # SCHEMA.md: a percentage belongs to the article's province, or to the nation in a national
            # article (no province of its own), for central ministries and agencies and for regions
            p = VIETNAM
        fields = {"value": v.attrs["value"], "qualifier": v.attrs["qualifier"], "modality": modality,
                  **a.province_fields(p), "metric": v.attrs["metric"]}
        out = [Candidate("percentage", fields, v.start, v.end, "percentage", {"pct": 1.0, **sfeat})]
        out.extend(_percent_as_score(a, v, subj, how, modality))
        return out
    idx, ihow = slots.index_for(a, v)
    index = idx.attrs["index"] if idx else ctx.index
    if index is None and (index := ctx.document_index()) is not None:
        ihow = "document"  # named nowhere up to here: the one index the document names
    if index == "OTHER" and dropped is not None and v.kind != "rank_target":
        # "Chỉ số đổi mới sáng tạo (PII) xếp thứ 2": an index outside the schema; offer the nearest named one
        named = [m for m in a.index_pool if m.attrs["index"] != "OTHER"]
        if named:
            idx, ihow = min(named, key=lambda m: abs(m.start - v.start)), "other_nearer"
            index, reason = idx.attrs["index"], "index_other"
    if index is None or index == "OTHER":
        return []
    component = idx.attrs.get("component") if idx is not None else None
    year, yhow = slots.year_for(a, v, idx)
    feats = {**sfeat, f"idx_{ihow}": 1.0, f"year_{yhow}": 1.0}
    base = {**a.province_fields(subj), "index": index}
    if component:
        base["component"] = component
    if subj is None:
        if dropped is None or v.kind == "rank_target":
            return []
        reason = reason or f"no_subject_{how}"
    if v.kind == "rank":
        rank = v.attrs["rank"]
        total = v.attrs["total"] or (ctx.era_total if v.attrs["national"] else None)
        if rank is None:  # "đứng cuối bảng": the last place, when the article states how many were ranked
            total = v.attrs["total"] or (ctx.document_total() if v.attrs.get("last") else None)
            if total is None:
                return []
            rank = total
        if v.attrs.get("step") == "from" and year is not None and yhow not in ("explicit", "paren", "paren_base", "written", "previous"):
            year -= 1
        if subj is not None and subj.get("name") == "Việt Nam":
            return []
        group = _GROUP_AFTER.match(a.text, v.end - a.start)
        if group is not None and (group.group("n") is None or int(group.group("n")) <= 30):
            # "xếp thứ 2 trong 6 tỉnh Bắc Trung Bộ", "thứ 2 khu vực Tây Nguyên": a rank within a group (ANNOTATION.md)
            base = {**base, "scope": group.group("name").strip()}
            total = int(group.group("n")) if group.group("n") else None
        indices = coordinated(a, idx) if idx is not None and rank == 1 else [idx]
        out = []
        for im in indices:
            f = {**base, "index": im.attrs["index"] if im is not None else index, "year": year,
                 "rank": rank, "rank_total": total, "modality": modality}
            out.append(Candidate("rank", f, v.start, v.end, v.rule, feats))
            if reason is None:
                ctx.last_rank[(f["index"], year)] = rank
                ctx.ranks_of[(f.get("province"), f["index"], year)] = rank
        if modality != "actual":
            reason = reason or "target_modality"
        return keep(out)
    if v.kind == "rank_change":
        by = slots.base_year_for(a, v, year)
        if v.attrs["unit"] == "hold" and not a.base_years:
            reason = reason or "hold_without_base"
        return keep([Candidate("rank_change", {**base, "year": year, "delta": int(v.attrs["delta"]), "base_year": by,
                                                "modality": modality}, v.start, v.end, v.rule, feats)])
    if v.kind == "score":
        if v.attrs["structure"]:
            reason = reason or "structure"
        if v.attrs["step"] == "from" and year is not None and v.attrs.get("year") is None and yhow not in ("paren", "written", "previous"):
            year = year - 1
        return keep([Candidate("score", {**base, "year": year, "score": v.attrs["score"], "modality": modality},
                               v.start, v.end, v.rule, feats)])
    if v.kind == "score_change":
        if v.attrs["unit"] == "%" and not (index in _PCT_INDICES and subj is not None and a.base_years):
            reason = reason or "percent_change"
        by = slots.base_year_for(a, v, year)
        return keep([Candidate("score_change", {**base, "year": year, "delta": round(v.attrs["delta"], 4), "base_year": by,
                                                 "modality": modality}, v.start, v.end, v.rule, feats)])
    if v.kind == "rank_target":
        if modality != "target":
            return []  # "lọt top 10" as a result is no fact (ANNOTATION.md)
        ty = _target_year(a, v)
        indices = coordinated(a, idx) if idx is not None else [None]
        return [Candidate("rank_target", {**base, "index": im.attrs["index"] if im is not None else index,
                                          "rank_min": v.attrs["rank_min"], "rank_max": v.attrs["rank_max"],
                                          "year": ty, "modality": "target"}, v.start, v.end, v.rule, feats)
                for im in indices]
    return []


def _target_year(a, v: Mention) -> int | None:
    found = list(_TARGET_YEAR.finditer(a.text[:v.start - a.start]))  # the last year named before the goal
    return int(next(g for g in found[-1].groups() if g)) if found else None


def _percent_as_score(a, v: Mention, subj, how, modality) -> list[Candidate]:
    """"chỉ số SIPAS đạt 86,72%": a percentage that is a percent-valued index's score."""
    text, base = a.text, a.start
    left = text[max(0, v.start - base - 25):v.start - base]
    as_points = regex.match(r"\s*điểm", text[v.end - base:v.end - base + 8]) is not None  # "(90,10% điểm)"
    if not (regex.search(r"(?:đạt|là|số\s+điểm|với|ở)\s+(?:mức(?:\s+\p{Ll}+){0,3}\s+)?$", left, regex.I)
            or (as_points and left.rstrip().endswith("("))
            or _BASE_VALUE.search(left)):  # "82,66%, tăng 2,58% so với năm 2022 (80,08%)": that year's value
        return []
    idx, ihow = slots.index_for(a, v)
    cs, ce = a.clause(v.start)
    ranked_here = any(cs <= m.start < ce for k in ("rank", "rank_change") for m in a.by_kind.get(k, []))
    # no index named: the running one, when the clause is a ranking statement ("dẫn đầu bảng xếp hạng
    # năm 2024 với 96,17%") or says "số điểm"
    averaged = any(s.attrs["role"] == "average" and cs <= s.start < v.start for s in a.subjects)
    index = idx.attrs["index"] if idx is not None else (
        a.ctx.index if regex.search(r"số\s+điểm", left) or ranked_here or averaged else None)
    if index not in _PCT_INDICES or subj is None or v.attrs["in_range"] or ihow in ("ve_after", "clause_after", "sentence_after"):
        return []
    if any(c.start <= v.start < c.end for c in a.by_kind.get("score_change", [])):
        return []  # "tăng mạnh nhất với 6,39%": the figure of a move, not the index value
    if any(s.attrs["role"] in ("region", "plural", "units") and cs <= s.start < v.start for s in a.subjects):
        return []  # a region's or a set of provinces' score is no province's
    year, yhow = slots.year_for(a, v, idx)
    f = {**a.province_fields(subj), "index": index, "year": year, "score": v.attrs["value"],
         "modality": modality}
    # (the subject's provenance under its own name: rule_confidence reads subj_* keys)
    return [Candidate("score", f, v.start, v.end, "score:percent",
                      {f"idx_{ihow}": 1.0, f"year_{yhow}": 1.0, f"pct_score_subj_{how}": 1.0})]
