"""How common given names and family names are, roughly, among the people the
portal records: children (and their parents) in Derby and Derbyshire.

Matching weighs agreement on a name by how rare it is (``matching``): two
records that are both "Oliver Smith" say much less than two that are both
"Ottilie Brackenbury", because many more different children are called Oliver
Smith. The figures are rough and from general knowledge, not a count: given
names from the ONS baby-name lists for England and Wales (births 2005-2023, and
the adults' names of the 1975-1995 lists, for parents), family names from the
surname counts for England and Wales, with the names of the area's larger
communities (Pakistani, Kashmiri, Bangladeshi, Indian, Polish) raised to how
common they are locally. They come in tiers, as the figures are only good to
about a factor of two; a name not listed is taken to be rarer than every tier.

Names are folded (``matching.fold``): lower case, ASCII letters only.
"""

from __future__ import annotations

# People per 10,000 with the name, by tier. A boy's name given to 1.2% of boys
# is given to about 60 in 10,000 children.
_GIVEN_TIERS: dict[float, str] = {
    60.0: """
        oliver jack harry george muhammad olivia amelia
    """,
    40.0: """
        noah charlie jacob thomas james william alfie leo oscar archie joshua arthur freddie henry
        ethan mohammed isla ava emily lily mia sophie isabella grace ella jessica chloe poppy evie
        ruby freya
    """,
    25.0: """
        theo daniel samuel joseph isaac lucas max logan alexander riley mason harrison dylan finley
        adam lewis tyler edward benjamin teddy jayden ryan callum luke matthew kai liam jake
        sophia ivy florence willow rosie daisy sienna elsie evelyn phoebe sofia charlotte harper
        millie maisie ellie matilda holly lucy megan hannah scarlett molly layla eva aisha fatima
        maryam zara sarah emma laura rebecca
    """,
    15.0: """
        theodore sebastian elijah toby tommy reggie albie louie jenson connor cameron nathan michael
        aaron jaxon harvey hugo zachary jude rory louis frankie bobby ronnie stanley sonny ibrahim
        yusuf ali omar hamza ayaan ellis owen caleb elliot felix gabriel jamie kian rhys ben luca
        finn jakub mohammad mohamed john david
        maya alice emilia isabelle luna aria mila bonnie eliza esme imogen georgia erin amber summer
        katie leah lauren eleanor elizabeth abigail gracie zainab maria lola darcy amy jasmine
    """,
    8.0: """
        ezra arlo albert hunter jesse dexter jasper rowan ralph otis carter kyle brandon bradley
        jordan declan cody ashton leighton blake austin jason marcus kayden kacper filip oskar ahmed
        zayn musa aarav arjun bilal idris ismail rayyan isa ryan reuben harley brody alex sam
        paul mark andrew christopher anthony robert richard peter stephen lee darren wayne craig
        hafsa khadija amina inaya safiya penelope violet ada arabella delilah lottie thea nancy iris
        tilly harriet anna bethany paige madison lexi hallie robyn faith skye lacey jade kayla
        kiera keira caitlin courtney niamh orla naomi martha mabel edie heidi eden julia zuzanna
        lena hanna oliwia zofia maja amelie aaliyah sara natalie jennifer victoria alexandra zoe
        claire nicola lisa kelly michelle gemma leanne stacey samantha amanda joanne donna
    """,
}

# People per 10,000 with the family name, by tier.
_FAMILY_TIERS: dict[float, str] = {
    120.0: "smith",
    60.0: "jones williams taylor brown",
    40.0: "davies wilson evans thomas johnson roberts khan",
    25.0: """
        robinson thompson wright walker white edwards hughes green hall lewis harris clarke patel
        jackson wood turner martin cooper hill ward hussain begum ali singh kaur
    """,
    15.0: """
        morris moore clark lee king baker harrison morgan allen james scott phillips watson davis
        parker price bennett young griffiths mitchell kelly cook carter richardson bailey collins
        bell shaw murphy miller cox richards ahmed akhtar bibi mahmood
    """,
    10.0: """
        marshall anderson simpson ellis adams wilkinson foster chapman powell webb rogers gray mason
        hunt campbell matthews owen palmer holmes mills barnes knight lloyd butler russell barker
        fisher stevens jenkins murray dixon harvey graham pearson iqbal rehman rahman shah hassan
    """,
    6.0: """
        fletcher walsh gibson howard andrews stewart elliott reynolds saunders payne fox ford pearce
        day brooks west lawrence cole atkinson bradley spencer gill dawson ball burton obrien watts
        rose booth perry ryan grant wells armstrong francis rees hayes hart hudson newman barrett
        webster hunter gregory carr lowe page marsh riley dunn woods parsons berry stone reid
        holland hawkins harding porter robertson newton oliver reed kennedy williamson bird gardner
        dean lane cooke bates henderson parry burgess bishop walton burns nicholson shepherd ross
        cross long freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson robson
        curtis hopkins oconnor harper coleman watkins moss mccarthy chambers oneill griffin sharp
        hardy wheeler potter osborne johnston gordon doyle wallace george jordan hutchinson
        mohamed mohammed malik butt rashid islam uddin miah sharma kumar
    """,
    3.0: """
        nowak kowalski kowalska wisniewski lewandowski chen wang li zhang liu nguyen sandhu mirza
        qureshi choudhury chowdhury
    """,
}


def _table(tiers: dict[float, str]) -> dict[str, float]:
    table: dict[str, float] = {}
    for frequency, names in tiers.items():
        for name in names.split():
            table.setdefault(name, frequency)  # a name in two tiers keeps the higher
    return table


GIVEN_NAMES: dict[str, float] = _table(_GIVEN_TIERS)
FAMILY_NAMES: dict[str, float] = _table(_FAMILY_TIERS)

# How common a name not in the tables is taken to be: rarer than every tier.
UNLISTED = 2.0


def given_name_frequency(name: str) -> float:
    """People per 10,000 with this folded given name (``UNLISTED`` when not listed)."""
    return GIVEN_NAMES.get(name, UNLISTED)


def family_name_frequency(name: str) -> float:
    """People per 10,000 with this folded family name (``UNLISTED`` when not listed)."""
    return FAMILY_NAMES.get(name, UNLISTED)
