"""What the SEN information report must contain (DOMAIN.md 1.7): Schedule 1 of the Special
Educational Needs and Disability Regulations 2014 (SI 2014/1530) and section 69 of the Children
and Families Act 2014, item by item, paraphrased.

A constant, not a table: the law changes by statutory instrument, not by school, so a change here
is a reviewed commit. Items 8 to 13 are marked `confirmed=False`: DOMAIN.md's stored copy of
Schedule 1 stops after item 7, so their wording is the topic the law names, not its words (DOMAIN.md
section 9, item 1). Verify them against the sources before relying on the wording; the codes stay.

Sources:
- SCHEDULE_1: https://www.legislation.gov.uk/uksi/2014/1530/schedule/1 ([S8] in DOMAIN.md)
- SECTION_69: https://www.legislation.gov.uk/ukpga/2014/6/section/69 ([S9] in DOMAIN.md)
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEDULE_1 = "SEND Regulations 2014, Schedule 1"
SECTION_69 = "Children and Families Act 2014, section 69"


@dataclass(frozen=True)
class Item:
    code: str  # in URLs and in the published snapshot; never renumbered
    heading: str  # the heading on the public page
    asks: str  # what the law asks, for the SENDCo writing it
    source: str
    confirmed: bool = True
    mainstream_only: bool = False  # not asked of special schools

    def applies_to(self, phase: str) -> bool:
        return not (self.mainstream_only and phase == "special")


def _sch1(code: str, heading: str, asks: str, **kwargs) -> Item:
    return Item(f"sch1-{code}", heading, asks, f"{SCHEDULE_1}, item {code}", **kwargs)


def _s69(code: str, heading: str, asks: str) -> Item:
    return Item(f"s69-{code}", heading, asks, f"{SECTION_69}(3)")


ITEMS: tuple[Item, ...] = (
    _sch1(
        "1",
        "The kinds of special educational needs we provide for",
        "The kinds of special educational needs for which provision is made at the school.",
    ),
    _sch1(
        "2",
        "How we identify and assess special educational needs",
        "Policies for identifying children and young people with SEN and assessing their needs.",
        mainstream_only=True,
    ),
    _sch1(
        "3a",
        "How we evaluate the effectiveness of our provision",
        "How the school evaluates the effectiveness of its provision for pupils with SEN.",
    ),
    _sch1(
        "3b",
        "How we assess and review pupils' progress",
        "Arrangements for assessing and reviewing the progress of pupils with SEN.",
    ),
    _sch1(
        "3c",
        "Our approach to teaching pupils with special educational needs",
        "The school's approach to teaching pupils with SEN.",
    ),
    _sch1(
        "3d",
        "How we adapt the curriculum and the learning environment",
        "How the curriculum and learning environment are adapted for pupils with SEN.",
    ),
    _sch1(
        "3e",
        "Additional support for learning",
        "Additional support for learning available to pupils with SEN.",
    ),
    _sch1(
        "3f",
        "Taking part in all the school's activities",
        "How pupils with SEN are enabled to engage in the activities of the school (including "
        "physical activities) together with children who do not have SEN.",
    ),
    _sch1(
        "3g",
        "Emotional, mental and social development",
        "Support for improving the emotional, mental and social development of pupils with SEN.",
    ),
    _sch1(
        "4",
        "Our SENCO",
        "The name and contact details of the SEN co-ordinator.",
        mainstream_only=True,
    ),
    _sch1(
        "5",
        "Staff expertise and training",
        "The expertise and training of staff in relation to SEN, and how specialist expertise "
        "will be secured.",
    ),
    _sch1(
        "6",
        "Equipment and facilities",
        "How equipment and facilities to support pupils with SEN will be secured.",
    ),
    _sch1(
        "7",
        "How we consult and involve parents",
        "Arrangements for consulting parents of children with SEN about, and involving them in, "
        "their child's education.",
    ),
    _sch1(
        "8",
        "How we consult and involve pupils",
        "Arrangements for consulting young people with SEN about, and involving them in, their "
        "education.",
        confirmed=False,
    ),
    _sch1(
        "9",
        "Complaints about SEN provision",
        "Arrangements for handling complaints from parents of children with SEN about the "
        "provision made at the school.",
        confirmed=False,
    ),
    _sch1(
        "10",
        "Working with other services",
        "How the governing body involves other bodies (health, social care, local authority "
        "support services, voluntary organisations) in meeting pupils' needs and supporting "
        "their families.",
        confirmed=False,
    ),
    _sch1(
        "11",
        "Support services for parents",
        "Contact details of support services for the parents of pupils with SEN, including "
        "information, advice and support services.",
        confirmed=False,
    ),
    _sch1(
        "12",
        "Moving between phases and preparing for adulthood",
        "Arrangements for supporting pupils with SEN in moving between phases of education and "
        "in preparing for adulthood and independent living.",
        confirmed=False,
    ),
    _sch1(
        "13",
        "The local authority's Local Offer",
        "Where the local authority's Local Offer is published.",
        confirmed=False,
    ),
    _s69(
        "i", "Admitting disabled pupils", "The arrangements for the admission of disabled pupils."
    ),
    _s69(
        "ii",
        "Treating disabled pupils fairly",
        "The steps taken to prevent disabled pupils from being treated less favourably than "
        "other pupils.",
    ),
    _s69(
        "iii",
        "Facilities for disabled pupils",
        "The facilities provided to assist access to the school by disabled pupils.",
    ),
    _s69(
        "iv",
        "Our accessibility plan",
        "The accessibility plan (Equality Act 2010, Schedule 10, paragraph 3).",
    ),
)

BY_CODE = {item.code: item for item in ITEMS}
