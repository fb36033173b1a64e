"""Derby City: who to call, and the localities whose SPA clerks feed the weekly VCM.

Phone numbers are the ones published to professionals; each local team checks
them before go-live (they are not in the partnership procedure text).
"""

from portal.plugin_api import AreaDescription, Contact, Locality, SocialCareRoute

DERBY = AreaDescription(
    slug="derby",
    role_claims={
        "Derby.Practitioner": "derby.practitioner",
        "Derby.SpaClerk": "derby.spa_clerk",
        "Derby.VcmChair": "derby.vcm_chair",
        "Derby.AreaManager": "derby.area_manager",
        "Derby.Auditor": "derby.auditor",
    },
    name="Derby City",
    summary=(
        "Requests for multi-agency support go through the Single Point of Access clerk "
        "of the family's locality to the weekly Vulnerable Children's Meeting."
    ),
    localities=(
        Locality("north", "North"),
        Locality("south", "South"),
        Locality("east", "East"),
        Locality("west", "West"),
    ),
    advice_line=Contact(
        name="Children's Services Professional Consultation Line",
        phone="01332 641172",
        hours="Monday to Friday, office hours",
        description="Ask whether a concern meets the threshold for a MAT or for Children's Social Care.",
    ),
    social_care_front_door=Contact(
        name="Initial Response Team (Children's Social Care)",
        phone="01332 641172",
        description="Refer at once if you suspect a child is suffering, or likely to suffer, significant harm.",
    ),
    out_of_hours=Contact(
        name="Careline (out of hours)",
        phone="01332 956606",
        hours="Evenings, weekends and bank holidays",
    ),
    extra_contacts=(
        Contact(
            name="The Lighthouse",
            description="For children with a significant disability, instead of the locality SPA clerk.",
        ),
    ),
)

# A significant-harm referral: the Professional Consultation Line's LA Team
# Manager records the contact and advises a referral to the Initial Response
# Team (seed 001). The numbers are the front door's and Careline's above; the
# partnership procedure text gives none, so the council confirms them (and its
# email or online form) before go-live.
SOCIAL_CARE_ROUTE = SocialCareRoute(
    service="Initial Response Team",
    council="Derby City Council Children's Services",
    phone=DERBY.social_care_front_door.phone,
    out_of_hours_phone=DERBY.out_of_hours.phone if DERBY.out_of_hours else "",
    guidance=(
        "Phone the Initial Response Team at once if you have reasonable cause to suspect "
        "a child is suffering, or is likely to suffer, significant harm. Any practitioner "
        "can refer: you do not need the family's consent, or an Early Help Assessment, "
        "though an assessment you have completed supports the referral. If you are unsure "
        "whether the threshold is met, the Professional Consultation Line will advise."
    ),
)
