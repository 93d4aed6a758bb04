"""Data for the fictional demo estate: establishments, made-up names, and how staff grades are spread.

Everything here is invented. The establishments are not real prisons and their codes all start with "Z", which
no real NOMIS establishment code does, so demo records can never be mistaken for (or collide with) real ones.
The first and last names are coined for this list and drawn independently, so no full name describes a real
person. Regions are the ordinary names of HMPPS regions: they name areas, not people.

No Django imports: this module is plain data, checked against the models by custodes/demo/tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Layout(StrEnum):
    """How an establishment's cells are built and crowded."""

    # Closed prisons: most cells certified for one and used for two (the crowding DESIGN.md §4 describes).
    DOUBLED = "doubled"
    # High security and young offender institutions: one to a cell, so never above 100% of in-use CNA.
    SINGLE = "single"
    # Open prisons: rooms, one to a room.
    OPEN = "open"


@dataclass(frozen=True)
class EstablishmentSpec:
    code: str
    name: str
    category: str  # a custodes.estate.models.EstablishmentCategory value
    region: str
    layout: Layout
    population_share: float  # share of the demo's prisoners held here
    staff_share: float  # share of the demo's staff posted here
    crowding: tuple[float, float]  # population / in-use CNA is drawn from this range
    unit_style: str  # "wing", "house_block" or "house": how residential units are named
    holds_women: bool = False
    has_healthcare_unit: bool = False


# Shares add up to 1 (checked by the tests). Ravensmoor and Cefn Eithin are the overcrowded locals: their whole
# crowding range lies above 150%, so every seed gives the demo prisons in the state DESIGN.md §4 describes.
ESTABLISHMENTS: tuple[EstablishmentSpec, ...] = (
    EstablishmentSpec(
        code="ZRM",
        name="HMP Ravensmoor",
        category="cat_b_local",
        region="London",
        layout=Layout.DOUBLED,
        population_share=0.19,
        staff_share=0.17,
        crowding=(1.58, 1.70),
        unit_style="wing",
        has_healthcare_unit=True,
    ),
    EstablishmentSpec(
        code="ZCE",
        name="HMP Cefn Eithin",
        category="cat_b_local",
        region="Wales",
        layout=Layout.DOUBLED,
        population_share=0.16,
        staff_share=0.14,
        crowding=(1.55, 1.64),
        unit_style="wing",
        has_healthcare_unit=True,
    ),
    EstablishmentSpec(
        code="ZGQ",
        name="HMP Greyfriars Quay",
        category="cat_b_trainer",
        region="West Midlands",
        layout=Layout.DOUBLED,
        population_share=0.13,
        staff_share=0.12,
        crowding=(1.25, 1.40),
        unit_style="wing",
    ),
    EstablishmentSpec(
        code="ZTF",
        name="HMP Thornbury Fell",
        category="cat_c",
        region="Yorkshire",
        layout=Layout.DOUBLED,
        population_share=0.15,
        staff_share=0.12,
        crowding=(1.08, 1.25),
        unit_style="house_block",
    ),
    EstablishmentSpec(
        code="ZAV",
        name="HMP Ashcombe Vale",
        category="female_closed",
        region="Women's Estate",
        layout=Layout.DOUBLED,
        population_share=0.08,
        staff_share=0.10,
        crowding=(0.92, 1.06),
        unit_style="house_block",
        holds_women=True,
        has_healthcare_unit=True,
    ),
    EstablishmentSpec(
        code="ZHM",
        name="HMP Highmarsh",
        category="high_security",
        region="Long Term and High Security Estate",
        layout=Layout.SINGLE,
        population_share=0.11,
        staff_share=0.17,
        crowding=(0.88, 0.98),
        unit_style="wing",
        has_healthcare_unit=True,
    ),
    EstablishmentSpec(
        code="ZKD",
        name="HMP Kestrel Down",
        category="cat_d",
        region="Avon and South Dorset",
        layout=Layout.OPEN,
        population_share=0.10,
        staff_share=0.08,
        crowding=(0.80, 0.95),
        unit_style="house",
    ),
    EstablishmentSpec(
        code="ZBW",
        name="HMYOI Brackenwick",
        category="yoi",
        region="Greater Manchester, Merseyside and Cheshire",
        layout=Layout.SINGLE,
        population_share=0.08,
        staff_share=0.10,
        crowding=(0.78, 0.95),
        unit_style="wing",
    ),
)

# Open prisons name their houses; closed prisons letter their wings and number their house blocks.
HOUSE_NAMES: tuple[str, ...] = ("Alder", "Birch", "Cedar", "Damson", "Elder", "Fir", "Gorse", "Hawthorn")

# Staff grades (custodes.estate.models.StaffGrade values) and their relative weights. Each establishment also
# has exactly one governing governor, made separately.
STAFF_GRADE_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("osg", 13),
    ("band3", 48),
    ("band4", 12),
    ("band5", 6),
    ("band7", 4),
    ("healthcare", 9),
    ("contractor", 5),
    ("other", 3),
)
# Grades that are posted to a residential unit rather than to the establishment as a whole.
UNIT_POSTED_GRADES: frozenset[str] = frozenset({"osg", "band3", "band4"})

# Coined first names, drawn for prisoners by the estate that holds them and for staff from both lists.
FIRST_NAMES_MEN: tuple[str, ...] = (
    "Aldren",
    "Arvel",
    "Bardon",
    "Bredric",
    "Brannoc",
    "Caddow",
    "Calvor",
    "Corvane",
    "Dallon",
    "Derrow",
    "Dunric",
    "Edmar",
    "Elbryn",
    "Fennick",
    "Florian",
    "Garrow",
    "Gethin",
    "Halvard",
    "Harrick",
    "Idwal",
    "Ithor",
    "Jorran",
    "Kestin",
    "Kellagh",
    "Lorcan",
    "Lowdry",
    "Madoc",
    "Merrow",
    "Nevin",
    "Norvel",
    "Oswin",
    "Orrick",
    "Pellam",
    "Perrin",
    "Quentor",
    "Radley",
    "Rowdan",
    "Saldor",
    "Selwick",
    "Tarran",
    "Tobren",
    "Ulwin",
    "Varden",
    "Wendal",
    "Wystan",
    "Yestin",
    "Zephan",
    "Ambrel",
    "Corwen",
    "Tamlin",
)

FIRST_NAMES_WOMEN: tuple[str, ...] = (
    "Aderyn",
    "Aislinn",
    "Belcia",
    "Briallen",
    "Caelyn",
    "Carwen",
    "Delphia",
    "Elowen",
    "Enfys",
    "Fenella",
    "Gwenlis",
    "Hesper",
    "Ione",
    "Isolde",
    "Jessamy",
    "Kerenza",
    "Linnet",
    "Lowena",
    "Maelis",
    "Morwen",
    "Nerys",
    "Olwena",
    "Peony",
    "Rhosyn",
    "Saffren",
    "Senara",
    "Tegwen",
    "Thessaly",
    "Verrin",
    "Wrenna",
    "Yarrow",
    "Zinnia",
    "Amarantha",
    "Corisande",
    "Ellery",
    "Merryn",
)

# Coined surnames: compound place-like words, so that none is a well-known family name.
LAST_NAMES: tuple[str, ...] = (
    "Ashgrove",
    "Ambercombe",
    "Blackmere",
    "Brackwater",
    "Bramblecote",
    "Briarholt",
    "Caldermoor",
    "Coldharbour",
    "Copperthwaite",
    "Cragmoss",
    "Dunmere",
    "Dovecliffe",
    "Elmscote",
    "Emberlow",
    "Fallowfield",
    "Fernhollow",
    "Flintcombe",
    "Gorsebrook",
    "Greyling",
    "Gullwater",
    "Hazeldean",
    "Heathcombe",
    "Hollowmere",
    "Hornbeck",
    "Inglemoss",
    "Ivythorn",
    "Juniperfield",
    "Kestlecombe",
    "Kingsmarsh",
    "Larchwood",
    "Lowmarsh",
    "Linthwaite",
    "Marrowby",
    "Millbeck",
    "Moorcastle",
    "Nettlebed",
    "Northwold",
    "Oakenshaw",
    "Oxleymere",
    "Pebblecombe",
    "Pinfold",
    "Quarrendon",
    "Quillfeather",
    "Ravenscar",
    "Redthorne",
    "Rookwell",
    "Saltmarsh",
    "Sedgecombe",
    "Sloeberry",
    "Stonecrop",
    "Tarnbrook",
    "Thistlewood",
    "Thornwick",
    "Umberleigh",
    "Underhay",
    "Vetchmoor",
    "Wealdstone",
    "Whinfell",
    "Willowmere",
    "Wrenscombe",
    "Yarrowby",
    "Yewbarrow",
    "Zennorwick",
    "Alderwick",
    "Birchenough",
    "Cloudesley",
    "Dewhollow",
    "Eskdown",
    "Foxcombe",
    "Glasshaugh",
    "Harebell",
    "Ironmoss",
    "Kilnsey",
    "Lanthorne",
    "Mossgill",
    "Netherby",
    "Orchardleigh",
    "Pennywhistle",
    "Rushmere",
    "Sparrowfield",
    "Teasel",
    "Wetherfold",
)
