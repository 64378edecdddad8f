"""Regenerate the illustrative sample network in data/ (fictional organisations).

Run: python tools/make_sample_data.py
The output is deterministic. Every organisation is invented; boroughs are real. The network
has deliberate, realistic weaknesses so the analyses have something true to find:
dead ends in majority-CC projects, single fragile routes into advanced ensembles, a
borough (Bexley) with no route beyond participation, isolated projects whose only routes
lapsed, and grassroots settings that only refer to each other.
"""

from __future__ import annotations

import random
from pathlib import Path

from musicnet import schema
from musicnet.loader import slugify
from musicnet.model import Organisation, Route
from musicnet.synth import GENRES, write_data

rng = random.Random(20241)
ROOT = Path(__file__).resolve().parent.parent

PLACES = [
    "Kite Street", "Amber Lane", "Larkfield", "Heron Quay", "Millbrook", "Copper Yard",
    "Juniper", "Foxglove", "Marigold", "Saltmarsh", "Tannery", "Willow Arch", "Orchard Row",
    "Beacon", "Lantern", "Harbour", "Skylark", "Ironbridge", "Clocktower", "Bramble",
    "Cobalt", "Riverside", "Fernhill", "Goldcrest", "Hollybank", "Ivy Court", "Kestrel",
    "Linden", "Moorgate Steps", "Nettle", "Oakridge", "Pebble", "Quarry", "Rowan", "Sable",
    "Thistle", "Umber", "Vale", "Wren", "Yarrow", "Zephyr", "Ashdown", "Bluebell",
    "Cedar Yard", "Dovetail", "Elmstead", "Flintlock", "Greenway", "Hawthorn", "Inkwell",
]
GRASSROOTS = {
    "grassroots": ["Welcome Project", "Family Hub", "Community Garden Music", "Youth Café"],
    "youth_service": ["Youth Club", "Young People's Centre", "Detached Youth Team"],
    "pru": ["Learning Centre (PRU)", "Alternative Provision", "Tuition Centre"],
    "school": ["Special School", "Primary School", "Secondary School"],
    "academy": ["Academy", "Free School"],
}
INTERMEDIARY = ["Sound Collective", "Beat Project", "Music Makers", "Rhythm Lab",
                "Song Studio", "Community Music", "Music CIC", "Noise Workshop"]
NEXT = {
    "music_service": ["Music Service"],
    "orchestral_outreach": ["Orchestra Outreach", "Sinfonia Learning"],
    "venue": ["Arts Centre", "Live Room", "Music Hall"],
    "youth_ensemble": ["Youth Jazz Orchestra", "Youth Choir", "Steel Band", "Youth Strings"],
    "conservatoire_junior": ["Junior Academy of Music"],
    "further_education": ["College Music Department"],
    "higher_education": ["Institute of Music (degree)"],
    "industry": ["Studios Trainee Scheme", "Records Apprenticeships"],
}
HUB_NAME = {"North": "North London", "East": "East London", "West": "West London",
            "South East": "South East London", "South West": "South West London"}

places = iter(rng.sample(PLACES, len(PLACES)) * 4)
used_ids: set[str] = set()
orgs: list[Organisation] = []


def slug(name: str) -> str:
    base = slugify(name)[:40].rstrip("-")
    out, n = base, 2
    while out in used_ids:
        out, n = f"{base}-{n}", n + 1
    used_ids.add(out)
    return out


def add(name: str, otype: str, remit: str, stages: tuple[str, ...], borough: str, *,
        role: str | None = None, targets: tuple[str, ...] = (), ages: tuple[int, int] = (8, 18),
        note: str = "") -> str:
    oid = slug(name)
    lat, lon = schema.BOROUGH_CENTROIDS.get(borough, (51.507, -0.128))
    derived = role is None
    orgs.append(Organisation(
        id=oid, name=name, type=otype, remit=remit,
        stages=tuple(s for s in schema.STAGES if s in stages), borough=borough,
        role=role or schema.ROLE_BY_TYPE[otype], role_derived=derived, target_groups=targets,
        genres=tuple(rng.sample(GENRES, rng.randint(1, 4))), age_min=ages[0], age_max=ages[1],
        lat=round(lat + rng.uniform(-0.015, 0.015), 4),
        lon=round(lon + rng.uniform(-0.02, 0.02), 4),
        website=f"https://{oid}.example.org",
        imd_decile=rng.randint(1, 4) if remit == "majority_cc" else rng.randint(2, 10),
        contact_email=f"hello@{oid}.example.org", notes=note,
    ))
    return oid


TG = tuple(schema.TARGET_GROUPS)
boroughs = [b for b in schema.BOROUGHS if schema.hub_area(b)]
# 28 boroughs used; five left without organisations (realistic gaps in a mapping exercise)
active_boroughs = [b for b in boroughs if b not in
                   ("City of London", "Havering", "Harrow", "Sutton", "Kingston upon Thames")]

hubs = {}
for area in schema.HUB_AREAS:
    lead = next(b for b in schema.HUB_AREAS[area] if b in active_boroughs and b != "Bexley")
    hubs[area] = add(f"{HUB_NAME[area]} Music Hub (illustrative)", "music_education_hub",
                     "minority_cc", ("first_access", "participation", "developing",
                                     "advanced"), lead, ages=(5, 18))

grassroots: list[str] = []
intermediaries: list[str] = []
next_steps: dict[str, list[str]] = {}
by_borough: dict[str, list[str]] = {}

for i, b in enumerate(active_boroughs):
    # two or three grassroots settings per borough, mostly majority CC
    for _ in range(3 if b == "Bexley" or i % 3 == 0 else 2):
        otype = rng.choice(list(GRASSROOTS))
        remit = rng.choices(("majority_cc", "minority_cc", "general"), (7, 2, 1))[0]
        targets = tuple(sorted(rng.sample(TG[:-1], rng.randint(1, 3))))
        if otype == "pru":
            targets = tuple(sorted({*targets, "pru"}))
        stages = rng.choice((("first_access",), ("first_access", "participation")))
        oid = add(f"{next(places)} {rng.choice(GRASSROOTS[otype])}", otype, remit, stages, b,
                  targets=targets if remit != "general" else (), ages=(11, 19))
        grassroots.append(oid)
        by_borough.setdefault(b, []).append(oid)
    # one intermediary (community music organisation) in most boroughs
    if i % 4 != 3 and b != "Bexley":
        remit = rng.choice(("minority_cc", "majority_cc"))
        oid = add(f"{next(places)} {rng.choice(INTERMEDIARY)}", "other", remit,
                  rng.choice((("first_access", "participation", "developing"),
                              ("participation", "developing"))), b,
                  targets=tuple(sorted(rng.sample(TG, 2))), ages=(10, 25))
        intermediaries.append(oid)
        by_borough.setdefault(b, []).append(oid)

# next-step provision spread across the hub areas
for otype, names in NEXT.items():
    count = {"music_service": 9, "orchestral_outreach": 4, "venue": 6, "youth_ensemble": 9,
             "conservatoire_junior": 2, "further_education": 4, "higher_education": 2,
             "industry": 3}[otype]
    for _ in range(count):
        b = rng.choice([x for x in active_boroughs if x != "Bexley"])
        stages = rng.choice(_ := {
            "music_service": [("first_access", "participation", "developing")],
            "orchestral_outreach": [("first_access", "participation", "developing")],
            "venue": [("participation", "developing"), ("developing", "advanced")],
            "youth_ensemble": [("developing",), ("developing", "advanced"), ("advanced",)],
            "conservatoire_junior": [("advanced",)],
            "further_education": [("developing", "advanced")],
            "higher_education": [("professional",)],
            "industry": [("advanced", "professional")],
        }[otype])
        name = f"{next(places)} {rng.choice(names)}"
        remit = "general" if otype in ("higher_education", "conservatoire_junior") else (
            rng.choice(("minority_cc", "general")))
        oid = add(name, otype, remit, stages, b, ages=(14, 25) if otype != "music_service"
                  else (5, 18))
        next_steps.setdefault(otype, []).append(oid)
        by_borough.setdefault(b, []).append(oid)

# a London-wide intermediary and an orchestral outreach project that signposts widely
lw = add("Open Doors Music Network (London-wide)", "other", "majority_cc",
         ("first_access", "participation", "developing"), "London-wide",
         targets=("refugee_asylum", "homelessness", "looked_after"), ages=(12, 25))
intermediaries.append(lw)

area_of = {o.id: schema.hub_area(o.borough) for o in orgs}
org_by_id = {o.id: o for o in orgs}
routes: list[Route] = []
seen: set[tuple[str, str]] = set()


def route(s: str, t: str, kind: str = "referral", status: str = "active",
          people: int | None = None) -> None:
    if s == t or (s, t) in seen:
        return
    seen.add((s, t))
    if people is None and rng.random() < 0.6:
        people = rng.choice((2, 3, 4, 6, 8, 10, 12, 15, 20, 30))
    routes.append(Route(s, t, kind, status, people, str(rng.randint(2015, 2025))))


def same_area(candidates: list[str], area: str | None, at_least: int = 1) -> list[str]:
    local = [c for c in candidates if area_of[c] == area]
    return local if len(local) >= at_least else candidates


def some(candidates: list[str], k: int) -> list[str]:
    return rng.sample(candidates, min(k, len(candidates)))


all_next = [v for vs in next_steps.values() for v in vs]
mid_next = [v for v in all_next if org_by_id[v].highest_level <= 2]
high_next = [v for v in all_next if org_by_id[v].highest_level >= 3]

# --- deliberate weaknesses ---------------------------------------------------------------
bexley = by_borough["Bexley"]  # Bexley: only routes among its own grassroots settings
dead_end_projects = [g for g in grassroots if org_by_id[g].remit == "majority_cc"
                     and org_by_id[g].borough not in ("Bexley",)][::6][:6]
isolated_projects = [g for g in grassroots if g not in dead_end_projects
                     and org_by_id[g].borough != "Bexley"][3::17][:2]
fragile_advanced = [add(f"{next(places)} Youth Symphony (auditioned)", "youth_ensemble",
                        "general", ("advanced",), "Bromley", ages=(13, 21)),
                    add(f"{next(places)} Grime Artist Development", "industry", "minority_cc",
                        ("advanced",), "Newham", targets=("neet", "youth_justice"),
                        ages=(16, 25))]
next_steps["youth_ensemble"].append(fragile_advanced[0])
next_steps["industry"].append(fragile_advanced[1])
area_of.update({o.id: schema.hub_area(o.borough) for o in orgs})
org_by_id.update({o.id: o for o in orgs})

open_grassroots = [g for g in grassroots if g not in isolated_projects and g not in bexley]

# the Pathfinders chain, where it works
for g in grassroots:
    o = org_by_id[g]
    if g in bexley or g in isolated_projects:
        continue
    targets = same_area(intermediaries, area_of[g])
    if g in dead_end_projects:
        # young people are referred in (from a school or youth service), nothing leads on
        feeders = [x for x in grassroots if x != g and area_of[x] == area_of[g]
                   and x not in dead_end_projects and x not in bexley] or grassroots[:1]
        route(rng.choice(feeders), g, "signposting")
        continue
    for t in rng.sample(targets, min(len(targets), rng.randint(1, 2))):
        route(g, t, rng.choice(("referral", "partnership")))
    if rng.random() < 0.5:
        route(g, hubs[area_of[g]] if area_of[g] else lw, "signposting")
    if rng.random() < 0.3:
        route(g, rng.choice(same_area(open_grassroots, area_of[g])), "signposting")

stuck_intermediary = intermediaries[-3]  # works only with grassroots settings
for m in intermediaries:
    if m == stuck_intermediary:
        for t in dead_end_projects[:2]:
            route(m, t, "partnership")
        continue
    for t in some(same_area(mid_next, area_of[m], 2), 2):
        route(m, t)
    route(m, rng.choice(same_area(high_next, area_of[m])), "signposting")
    if rng.random() < 0.4:
        route(m, rng.choice(same_area(open_grassroots, area_of[m])), "partnership")
    if area_of[m]:
        route(m, hubs[area_of[m]], "partnership")

for area, h in hubs.items():
    for t in some(same_area(mid_next, area, 3), 3):
        route(h, t, "partnership")
    for t in some(same_area(high_next, area, 2), 2):
        route(h, t)
for v in mid_next:
    for t in some(same_area(high_next, area_of[v]), rng.randint(1, 3)):
        route(v, t)
    if rng.random() < 0.3:
        route(v, rng.choice(same_area(mid_next, area_of[v])), "signposting")
for v in high_next:
    if org_by_id[v].highest_level < 4:
        pros = [x for x in all_next if org_by_id[x].highest_level == 4]
        for t in rng.sample(pros, rng.randint(1, 2)):
            route(v, t, rng.choice(("referral", "signposting")))
for v in all_next:  # professional pathways feed back as mentors and partners
    if org_by_id[v].highest_level == 4 and rng.random() < 0.5:
        route(v, rng.choice(intermediaries), "partnership")

# Bexley: settings signpost to each other, and a London-wide project signposts in
route(bexley[0], bexley[1], "signposting")
route(bexley[1], bexley[2], "signposting")
route(bexley[2], bexley[0], "signposting")
route(lw, bexley[0], "signposting")
for t in rng.sample(open_grassroots, 3):
    route(lw, t, "referral")
route(lw, hubs["South East"], "partnership")
# fragile: each advanced ensemble hangs on a single route, and feeds one professional offer
route(rng.choice(next_steps["music_service"]), fragile_advanced[0], people=3)
route(intermediaries[5], fragile_advanced[1], people=4)
hidden_pro = add(f"{next(places)} Session Musician Apprenticeship", "industry", "general",
                 ("professional",), "Newham", ages=(18, 25))
route(fragile_advanced[1], hidden_pro, people=2)
# isolated projects: their only routes lapsed; some routes are being planned
for g in isolated_projects:
    route(g, rng.choice(intermediaries), status="lapsed")
for g in dead_end_projects[:3]:
    route(g, rng.choice(same_area(intermediaries, area_of[g])), status="planned")
for _ in range(12):
    route(rng.choice(intermediaries), rng.choice(all_next), status="lapsed")

# placement settings that refer young people out to community music: a youth offending
# team and a CAMHS team (added last, so everything above is as it was)
for otype, label, group, borough in (
        ("youth_justice", "Youth Offending Team", "youth_justice", "Lambeth"),
        ("health", "CAMHS Music Therapy", "mental_health", "Tower Hamlets")):
    setting = add(f"{next(places)} {label}", otype, "majority_cc", ("first_access",),
                  borough, targets=(group,), ages=(10, 18))
    area_of[setting] = schema.hub_area(borough)
    for t in some(same_area(intermediaries, area_of[setting]), 2):
        route(setting, t, "referral")

# lapsed routes say when they lapsed (a separate random stream, so the rest is unchanged)
dates = random.Random(2025)
for i, r in enumerate(routes):
    if r.status == "lapsed":
        year = dates.randint(int(r.since), 2025)
        routes[i] = Route(r.source, r.target, r.kind, r.status, r.young_people_per_year,
                          r.since, ended=f"{year}-{dates.randint(1, 12):02d}")

# a malicious-looking but harmless note shows why outputs escape text
orgs[0] = Organisation(**{**orgs[0].__dict__, "notes": "Contact via <b>hub office</b> & "
                          "\"programme lead\""})
write_data(ROOT / "data", orgs, routes)
print(f"{len(orgs)} organisations, {len(routes)} routes, "
      f"{len({o.borough for o in orgs})} boroughs")
