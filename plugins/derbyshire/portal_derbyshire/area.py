"""Derbyshire County: Starting Point, the front door for every Initial Contact,
and the eight districts, each with its Early Help Team and VCM.

Phone numbers are the ones published to professionals; each local team checks
them before go-live (they are not in the partnership procedure text).
"""

from portal.plugin_api import AreaDescription, Contact, Locality, SocialCareRoute

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
    locality_word="Districts",
    role_claims={
        "Derbyshire.Practitioner": "derbyshire.practitioner",
        "Derbyshire.StartingPoint": "derbyshire.starting_point",
        "Derbyshire.StartingPointSenior": "derbyshire.senior_practitioner",
        "Derbyshire.EarlyHelpAdvisor": "derbyshire.advisor",
        "Derbyshire.VcmChair": "derbyshire.vcm_chair",
        "Derbyshire.AreaManager": "derbyshire.area_manager",
        "Derbyshire.Auditor": "derbyshire.auditor",
    },
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

# A significant-harm referral goes to Starting Point, which screens it (seed 001).
# The numbers are Starting Point's and Call Derbyshire's above; the partnership
# procedure text gives none, nor the online referral form's address, so the
# council confirms them before go-live.
SOCIAL_CARE_ROUTE = SocialCareRoute(
    service="Starting Point",
    council="Derbyshire County Council Children's Services",
    phone=DERBYSHIRE.social_care_front_door.phone,
    out_of_hours_phone=DERBYSHIRE.out_of_hours.phone if DERBYSHIRE.out_of_hours else "",
    guidance=(
        "Phone Starting Point at once if you have reasonable cause to suspect a child is "
        "suffering, or is likely to suffer, significant harm; a non-urgent referral goes "
        "through Starting Point's online referral form, with any Early Help Assessment you "
        "have completed. Any practitioner can refer, and you do not need the family's "
        "consent. If you are unsure whether the threshold is met, the Starting Point "
        "Consultation and Advice Service will advise."
    ),
)
