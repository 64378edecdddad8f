"""Make the illustrative "one year later" sample state in data/2026/ from data/.

Run after tools/make_sample_data.py: python tools/make_later_sample.py
The output is deterministic. The changes are the kind a network sees in a year of work:
planned routes start, some dead ends and a fragile route get onward routes, an isolated
project is brought back in, Bexley's settings get a route beyond participation, two
routes lapse, two organisations join, one closes and two change their details.
`musicnet diff data data/2026` shows them (docs/history.md walks through it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import musicnet
from musicnet.model import Organisation, Route
from musicnet.synth import write_data

ROOT = Path(__file__).resolve().parent.parent
YEAR = "2026"

net = musicnet.load(ROOT / "data")
orgs: dict[str, Organisation] = dict(net.orgs)
routes: dict[tuple[str, str], Route] = {(r.source, r.target): r for r in net.routes}
g = net.graph


def add_route(s: str, t: str, kind: str = "referral", people: int | None = None) -> None:
    assert s in orgs and t in orgs and (s, t) not in routes, (s, t)
    routes[(s, t)] = Route(s, t, kind, "active", people, YEAR)


def by_type(otype: str, borough_area: str | None = None) -> list[str]:
    from musicnet.schema import hub_area

    return sorted(v for v, o in orgs.items() if o.type == otype
                  and (borough_area is None or hub_area(o.borough) == borough_area))


# 1. the planned routes start
for key, r in list(routes.items()):
    if r.status == "planned":
        routes[key] = replace(r, status="active", since=YEAR)

# 2. Bexley's pupil referral unit gets a route to a South East community music organisation
intermediaries = sorted(v for v, o in orgs.items() if o.role == "intermediary"
                        and g.out_degree(v) >= 2)
south_east = [v for v in intermediaries if musicnet.schema.hub_area(orgs[v].borough)
              == "South East"]
add_route("elmstead-learning-centre-pru", south_east[0], "partnership", 6)

# 3. the auditioned youth symphony: a second route in (no longer fragile) and one onward
services = by_type("music_service")
second = next(v for v in services if v != "hollybank-music-service"
              and (v, "copper-yard-youth-symphony-auditioned") not in routes)
add_route(second, "copper-yard-youth-symphony-auditioned", people=4)
pros = sorted(v for v, o in orgs.items() if "professional" in o.stages)
add_route("copper-yard-youth-symphony-auditioned", pros[0], "signposting")

# 4. an isolated youth centre is brought back in
add_route("nettle-young-people-s-centre", intermediaries[1], "referral", 8)

# 5. two routes lapse: the only onward route of two small organisations
lapsing = sorted(v for v in orgs if g.out_degree(v) == 1 and g.in_degree(v) >= 1
                 and "professional" not in orgs[v].stages
                 and v not in ("elmstead-learning-centre-pru",))[:2]
for v in lapsing:
    (t,) = g.successors(v)
    routes[(v, t)] = replace(routes[(v, t)], status="lapsed", ended=f"{YEAR}-03")

# 6. two organisations join
welcome = Organisation(
    id="larkfield-refugee-welcome-music", name="Larkfield Refugee Welcome Music",
    type="grassroots", remit="majority_cc", stages=("first_access", "participation"),
    borough="Bexley", role="grassroots", role_derived=True,
    target_groups=("refugee_asylum",), genres=("afrobeats", "singing"), age_min=11,
    age_max=19, imd_decile=2)
venue = Organisation(
    id="quayside-live-room", name="Quayside Live Room", type="venue", remit="minority_cc",
    stages=("participation", "developing", "advanced"), borough="Newham", role="next_step",
    role_derived=True, genres=("grime", "hip hop"), age_min=14, age_max=25, imd_decile=3)
orgs[welcome.id] = welcome
orgs[venue.id] = venue
add_route(welcome.id, "elmstead-learning-centre-pru", "signposting")
add_route(welcome.id, south_east[0], "referral", 5)
east = [v for v in intermediaries if musicnet.schema.hub_area(orgs[v].borough) == "East"]
add_route(east[0], venue.id, "referral", 10)
add_route(venue.id, pros[-1], "signposting")

# 7. one organisation closes (a small next-step provider with a single route in)
closing = sorted(v for v, o in orgs.items() if o.role == "next_step"
                 and g.in_degree(v) == 1 and g.out_degree(v) == 1
                 and v not in lapsing)[0]
del orgs[closing]
routes = {k: r for k, r in routes.items() if closing not in k}

# 8. two organisations change: a rename, and a community music group adds a stage
first = intermediaries[2]
orgs[first] = replace(orgs[first], name=orgs[first].name + " (now Soundbridge)")
grow = intermediaries[3]
if "advanced" not in orgs[grow].stages:
    orgs[grow] = replace(orgs[grow], stages=(*orgs[grow].stages, "advanced"))

write_data(ROOT / "data" / YEAR, orgs.values(), routes.values())
print(f"data/{YEAR}: {len(orgs)} organisations, {len(routes)} routes")
