"""The reporting taxonomy as first installed (DESIGN.md §4). Administrators may change it afterwards.

Staff corruption and other staff misconduct go to the national counter-corruption team, never to the prison where
the staff work; conditions and safety go to the establishment, which must act on them.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Seed(NamedTuple):
    code: str
    group: str
    routing: str
    label_en: str
    label_cy: str
    hint_en: str
    hint_cy: str


SEED: tuple[Seed, ...] = (
    Seed(
        "inappropriate-relationship",
        "staff_corruption",
        "national",
        "Inappropriate relationship",
        "Perthynas amhriodol",
        "A member of staff in a relationship with a prisoner, a former prisoner, their family or a criminal associate",
        "Aelod o staff mewn perthynas â charcharor, cyn-garcharor, eu teulu neu rywun sy'n gysylltiedig â throseddu",
    ),
    Seed(
        "conveyance-trafficking",
        "staff_corruption",
        "national",
        "Bringing in or passing on items",
        "Dod ag eitemau i mewn neu eu trosglwyddo",
        "Staff bringing drugs, phones or other items into the prison, or passing them on",
        "Staff yn dod â chyffuriau, ffonau neu eitemau eraill i mewn i'r carchar, neu'n eu trosglwyddo",
    ),
    Seed(
        "unauthorised-disclosure",
        "staff_corruption",
        "national",
        "Sharing information without permission",
        "Rhannu gwybodaeth heb ganiatâd",
        "Staff passing on information they should keep private",
        "Staff yn rhannu gwybodaeth y dylen nhw ei chadw'n breifat",
    ),
    Seed(
        "abuse-of-position",
        "staff_corruption",
        "national",
        "Abuse of position, including sexual misconduct or unnecessary force",
        "Camddefnyddio swydd, gan gynnwys camymddwyn rhywiol neu rym diangen",
        "Staff using their power over someone in a way they should not",
        "Staff yn defnyddio eu grym dros rywun mewn ffordd na ddylen nhw",
    ),
    Seed(
        "bribery-favours",
        "staff_corruption",
        "national",
        "Bribes or favours",
        "Llwgrwobrwyon neu ffafrau",
        "Staff asking for or taking money, gifts or favours",
        "Staff yn gofyn am arian, anrhegion neu ffafrau, neu'n eu derbyn",
    ),
    Seed(
        "neglect-of-procedure",
        "staff_corruption",
        "national",
        "Deliberately not following procedures",
        "Peidio â dilyn gweithdrefnau yn fwriadol",
        "For example, searches not done properly on purpose",
        "Er enghraifft, peidio â chwilio'n iawn yn fwriadol",
    ),
    Seed(
        "theft-fraud",
        "staff_corruption",
        "national",
        "Theft or fraud",
        "Lladrad neu dwyll",
        "Staff stealing, or lying to get money or property",
        "Staff yn dwyn, neu'n dweud celwydd i gael arian neu eiddo",
    ),
    Seed(
        "bullying-harassment",
        "staff_misconduct",
        "national",
        "Bullying or harassment",
        "Bwlio neu aflonyddu",
        "Staff treating someone in a way that is hurtful, frightening or humiliating",
        "Staff yn trin rhywun mewn ffordd sy'n brifo, yn codi ofn neu'n bychanu",
    ),
    Seed(
        "discrimination",
        "staff_misconduct",
        "national",
        "Discrimination",
        "Gwahaniaethu",
        "Staff treating someone unfairly because of who they are",
        "Staff yn trin rhywun yn annheg oherwydd pwy ydyn nhw",
    ),
    Seed(
        "overcrowding",
        "conditions",
        "establishment",
        "Overcrowding",
        "Gorlenwi",
        "Too many people in a cell or on a wing",
        "Gormod o bobl mewn cell neu ar adain",
    ),
    Seed(
        "vermin-pests",
        "conditions",
        "establishment",
        "Vermin and pests",
        "Fermin a phlâu",
        "Rats, mice, cockroaches or other pests",
        "Llygod mawr, llygod, chwilod duon neu blâu eraill",
    ),
    Seed(
        "sanitation-hygiene",
        "conditions",
        "establishment",
        "Sanitation and hygiene",
        "Glanweithdra a hylendid",
        "Toilets, showers, cleaning, laundry or food hygiene",
        "Toiledau, cawodydd, glanhau, golchi dillad neu hylendid bwyd",
    ),
    Seed(
        "heating-water",
        "conditions",
        "establishment",
        "Heating or water",
        "Gwres neu ddŵr",
        "Too cold, too hot, or no hot or clean water",
        "Rhy oer, rhy boeth, neu ddim dŵr poeth neu lân",
    ),
    Seed(
        "violence-threats",
        "conditions",
        "establishment",
        "Violence and threats",
        "Trais a bygythiadau",
        "Someone has been hurt or threatened",
        "Mae rhywun wedi cael ei frifo neu ei fygwth",
    ),
    Seed(
        "self-harm-risk",
        "conditions",
        "establishment",
        "Risk of self-harm",
        "Perygl o hunan-niweidio",
        "Someone may hurt themselves. If they are in danger now, tell a member of staff straight away",
        "Efallai y bydd rhywun yn brifo'i hun. Os ydyn nhw mewn perygl nawr, dywedwch wrth aelod o staff ar unwaith",
    ),
    Seed(
        "healthcare-access",
        "conditions",
        "establishment",
        "Access to healthcare",
        "Cael gofal iechyd",
        "Not being able to see a nurse, doctor, dentist or mental health worker, or get medicine",
        "Methu gweld nyrs, meddyg, deintydd neu weithiwr iechyd meddwl, neu gael meddyginiaeth",
    ),
    Seed(
        "other-conditions",
        "conditions",
        "establishment",
        "Something else about conditions or safety",
        "Rhywbeth arall am amodau neu ddiogelwch",
        "",
        "",
    ),
)


def install(category_model: Any) -> None:
    """Create or refresh the seeded categories (the data migration, and tests that empty every table, call it)."""
    for order, seed in enumerate(SEED, start=1):
        category_model.objects.update_or_create(
            code=seed.code,
            defaults={
                "group": seed.group,
                "routing": seed.routing,
                "label_en": seed.label_en,
                "label_cy": seed.label_cy,
                "hint_en": seed.hint_en,
                "hint_cy": seed.hint_cy,
                "sort_order": order * 10,
            },
        )
