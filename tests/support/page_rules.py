"""The house rules every full page keeps, checked on every page the
integration tests GET (as GOV.UK Notify's admin checks every page its
``client_request`` fixture fetches): one h1, a title that starts with it,
unique ids, the language and a skip link, forms with an action (and this session's CSRF field when they
change something), every field labelled, no inline event handlers or styles.
"""

from __future__ import annotations

import os
import re

from bs4 import BeautifulSoup, Tag

SITE = " \u2013 Early Help Portal"
UNSAFE_FORM_METHODS = {"post"}
LABELLED_ELSEWHERE = {"hidden", "submit", "button", "image", "reset"}
CSRF_TOKEN = re.compile(r"[0-9a-f]{64}")


class PageRuleBroken(AssertionError):
    """A rendered page breaks one of the house rules."""


def words(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def check_page(html: str, where: str) -> None:
    """Raise PageRuleBroken naming the page and the rule it breaks.

    With PAGE_RULES_SURVEY set to a file name, problems are appended there
    instead (to list every broken page in one run while fixing them)."""
    problems = page_problems(html)
    if problems and os.environ.get("PAGE_RULES_SURVEY"):
        with open(os.environ["PAGE_RULES_SURVEY"], "a") as survey:
            survey.writelines(f"{where}: {problem}\n" for problem in problems)
    elif problems:
        raise PageRuleBroken(f"{where}: " + "; ".join(problems))


def page_problems(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []
    if soup.html is None or soup.html.get("lang") != "en":
        problems.append('no <html lang="en">')
    if soup.find("a", href="#main-content") is None or soup.find(id="main-content") is None:
        problems.append("no skip link to #main-content")
    headings = soup.find_all("h1")
    if len(headings) != 1:
        problems.append(f"{len(headings)} h1 elements, not one")
    title = soup.title.get_text() if soup.title else ""
    if not title.endswith(SITE):
        problems.append(f"title {title!r} does not end with {SITE!r}")
    elif headings:
        page_title = title.removesuffix(SITE).removeprefix("Error: ")
        heading = words(headings[0])
        if not heading.startswith(page_title):
            problems.append(f"title {page_title!r} is not the start of the h1 {heading!r}")
    seen: set[str] = set()
    for tag in soup.find_all(id=True):
        if tag["id"] in seen:
            problems.append(f"duplicate id {tag['id']!r}")
        seen.add(str(tag["id"]))
    for tag in soup.find_all(True):
        handlers = [a for a in tag.attrs if a.startswith("on")]
        if handlers:
            problems.append(f"inline event handler {handlers[0]} on <{tag.name}>")
        if "style" in tag.attrs:
            problems.append(f"inline style on <{tag.name}>")
    for form in soup.find_all("form"):
        problems.extend(form_problems(form))
    labels = {str(label.get("for")) for label in soup.find_all("label") if label.get("for")}
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in LABELLED_ELSEWHERE:
            continue
        named = field.get("aria-label") or field.get("aria-labelledby")
        wrapped = field.find_parent("label") is not None
        if not (named or wrapped or field.get("id") in labels):
            problems.append(f"<{field.name} name={field.get('name')!r}> has no label")
    return problems


def form_problems(form: Tag) -> list[str]:
    action = str(form.get("action", ""))
    if not action.startswith("/"):
        return [f"a form without a local action ({action!r})"]
    method = str(form.get("method", "get")).lower()
    if method not in UNSAFE_FORM_METHODS:
        return []
    token = form.find("input", attrs={"name": "_csrf_token"})
    if token is None or not CSRF_TOKEN.fullmatch(str(token.get("value", ""))):
        return [f"the form posting to {action} has no CSRF field"]
    return []
