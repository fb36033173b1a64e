"""Derbyshire County: Starting Point, the front door for every Initial Contact,
and the eight districts, each with its Early Help Team and VCM.

Phone numbers are the ones published to professionals; each local team checks
them before go-live (they are not in the partnership procedure text).
"""

from portal.plugin_api import AreaDescription, Contact, Locality

DISTRICTS = (
    "Amber Valley",
    "Bolsover",
    "Chesterfield",
    "Derbyshire Dales",
    "Erewash",
    "High Peak",
    "North East Derbyshire",
    "South Derbyshire",
)

DERBYSHIRE = AreaDescription(
    slug="derbyshire",
    name="Derbyshire",
    summary=(
        "Every request for advice, information or a service goes to Starting Point, whose "
        "Senior Practitioner screens each Initial Contact within 24 hours."
    ),
    localities=tuple(Locality(name.lower().replace(" ", "-"), name) for name in DISTRICTS),
    advice_line=Contact(
        name="Starting Point Consultation and Advice Service",
        phone="01629 533190",
        hours="Monday to Friday, office hours",
        description="Ask whether a concern meets the threshold for the Early Help Team or Children's Social Care.",
    ),
    social_care_front_door=Contact(
        name="Starting Point (referrals to Children's Social Care)",
        phone="01629 533190",
        description="Refer at once if you suspect a child is suffering, or likely to suffer, significant harm.",
    ),
    out_of_hours=Contact(
        name="Call Derbyshire (out of hours)",
        phone="01629 532600",
        hours="Evenings, weekends and bank holidays",
    ),
)
