"""The survey that collects routes from the organisations themselves.

:func:`survey_workbook` writes the questions as an Excel form (one workbook per
organisation); :func:`survey_text` writes the same questions as plain text to paste into
an online form (Microsoft Forms, Google Forms, SurveyMonkey). ``musicnet responses``
(:mod:`musicnet.responses`) reads both kinds of answer back. The questions are defined
once, in :data:`ABOUT_YOU` and :data:`ROUTE_QUESTIONS`, and the reader recognises them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import schema
from .matching import choice_names

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["ABOUT_YOU", "ROUTE_QUESTIONS", "Question", "survey_text", "survey_workbook"]


@dataclass(frozen=True)
class Question:
    """One question: ``key`` names the answer (an organisations.csv column where there
    is one), ``text`` is what the form asks, ``help`` says how to answer."""

    key: str
    text: str
    help: str = ""
    required: bool = False


#: Questions about the responding organisation itself.
ABOUT_YOU: tuple[Question, ...] = (
    Question("name", "What is your organisation's name?",
             "Choose it from the list, or type it if it is not there.", True),
    Question("borough", "Which London borough are you based in?",
             "As the ONS spells it, or London-wide, or Outside London."),
    Question("type", "What kind of organisation are you?",
             "One of: " + ", ".join(t.replace("_", " ") for t in schema.TYPES) + "."),
    Question("remit", "Who do you work with?",
             "majority cc: mostly young people facing challenging circumstances; minority "
             "cc: open access with targeted projects; general: open access."),
    Question("stages", "Which stages of music-making do you offer?",
             "Any of: " + ", ".join(s.replace("_", " ") for s in schema.STAGES) + "."),
    Question("age_range", "What ages do you work with?", "For example 11-18."),
    Question("website", "Your website", "For example https://example.org."),
    Question("contact_email", "A contact email for this survey",
             "Kept private: never shown on maps or reports."),
)

#: The two route questions, onward (``source`` side) and incoming (``target`` side).
ROUTE_QUESTIONS: dict[str, Question] = {
    "onward": Question(
        "onward", "Which organisations do you refer or signpost young people to?",
        "One organisation per line, or several separated by commas. Add about how many "
        "young people a year in brackets if you know, e.g. 'Fairbeats (12)'."),
    "incoming": Question(
        "incoming", "Which organisations refer or signpost young people to you?",
        "One organisation per line, or several separated by commas. Add about how many "
        "young people a year in brackets if you know, e.g. 'Fairbeats (12)'."),
}

#: Sheet names of the survey workbook (the reader finds a filled workbook by them).
SHEET_ABOUT = "about you"
SHEET_ONWARD = "onward routes"
SHEET_INCOMING = "incoming routes"
SHEET_NAMES = "organisations"
SHEET_CHOICES = "choices"
ROUTE_COLUMNS = ("organisation", "kind", "young_people_per_year", "since", "notes")
_ROWS = 150


def survey_workbook(net: Network, *, title: str | None = None) -> bytes:
    """The survey as an Excel workbook to send to each organisation.

    Sheets: ``read me``; ``about you`` (the questions in :data:`ABOUT_YOU`, answers in
    column B); ``onward routes`` and ``incoming routes`` (one organisation per row, with
    kind, young people a year, since and notes); ``organisations`` (the known names, as
    :func:`~musicnet.matching.choice_names` gives them, and ids); ``choices`` (hidden: the
    boroughs, types and remits the answers offer). Organisation cells offer the known
    names as a drop-down list and accept any other text. The bytes are the same for the
    same network.

    >>> import musicnet
    >>> from openpyxl import load_workbook
    >>> wb = load_workbook(io.BytesIO(survey_workbook(musicnet.load("data"))))
    >>> wb.sheetnames
    ['read me', 'about you', 'onward routes', 'incoming routes', 'organisations', 'choices']
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from ._files import safe_cell, xml_safe
    from .export import _deterministic_zip

    shown = choice_names(net.orgs.values())  # a name two organisations share: with borough
    names = sorted(net.orgs.values(), key=lambda o: (shown[o.id].casefold(), o.id))
    wb = Workbook()
    readme = wb.active
    readme.title = "read me"
    readme.column_dimensions["A"].width = 110
    heading = title or "Youth music routes survey"
    lines = [
        heading,
        "Thank you for taking part. We are mapping where young people go next in their "
        "music-making, so that fewer journeys stop.",
        f"1. '{SHEET_ABOUT}': answer each question in column B.",
        f"2. '{SHEET_ONWARD}': the organisations you refer or signpost young people to, "
        "one per row.",
        f"3. '{SHEET_INCOMING}': the organisations that refer or signpost young people to "
        "you, one per row.",
        "Choose organisations from the drop-down list, or type a name that is not there. "
        "Kind, young people a year, since and notes are optional.",
        "Save the workbook and send it back. Please do not rename the sheets.",
    ]
    for line in lines:
        readme.append([line])
        readme.cell(row=readme.max_row, column=1).alignment = Alignment(wrap_text=True)
    readme["A1"].font = Font(bold=True, size=14)

    about = wb.create_sheet(SHEET_ABOUT)
    about.append(["question", "your answer", "how to answer"])
    for q in ABOUT_YOU:
        about.append([q.text + (" (required)" if q.required else ""), None, q.help])
    about.column_dimensions["A"].width = 48
    about.column_dimensions["B"].width = 48
    about.column_dimensions["C"].width = 80
    answer_fill = PatternFill("solid", fgColor="FFF7D6")
    for row in range(2, len(ABOUT_YOU) + 2):
        about.cell(row=row, column=2).fill = answer_fill
        about.cell(row=row, column=3).alignment = Alignment(wrap_text=True)

    lists = wb.create_sheet(SHEET_NAMES)
    lists.append(["name", "id"])
    for o in names:
        lists.append([safe_cell(xml_safe(shown[o.id])), o.id])
    lists.column_dimensions["A"].width = 48
    lists.column_dimensions["B"].width = 40
    last = max(2, len(names) + 1)
    name_range = f"'{SHEET_NAMES}'!$A$2:$A${last}"

    def name_list(prompt: str) -> DataValidation:
        # showErrorMessage=False: the list is a suggestion; any other text is accepted
        return DataValidation(type="list", formula1=name_range, allow_blank=True,
                              showErrorMessage=False, showInputMessage=True,
                              promptTitle="Organisation", prompt=prompt[:250])

    dv = name_list("Choose your organisation, or type its name.")
    about.add_data_validation(dv)
    dv.add("B2")
    # the choices of the borough, type and remit answers, on a hidden sheet of their own
    # (beside the names they read as facts about the organisations)
    choices = wb.create_sheet(SHEET_CHOICES)
    choices.sheet_state = "hidden"
    vocab = (("borough", schema.BOROUGHS), ("type", schema.TYPES),
             ("remit", tuple(schema.REMITS)))
    for (key, values), letter in zip(vocab, "ABC", strict=True):
        row = 2 + [q.key for q in ABOUT_YOU].index(key)
        col = "ABC".index(letter) + 1
        choices.cell(row=1, column=col, value=key)
        for i, v in enumerate(values, start=2):
            choices.cell(row=i, column=col, value=v)
        v = DataValidation(type="list", allow_blank=True, showErrorMessage=False,
                           formula1=f"'{SHEET_CHOICES}'!${letter}$2:${letter}${len(values) + 1}")
        about.add_data_validation(v)
        v.add(f"B{row}")

    for sheet_name, question in ((SHEET_ONWARD, ROUTE_QUESTIONS["onward"]),
                                 (SHEET_INCOMING, ROUTE_QUESTIONS["incoming"])):
        ws = wb.create_sheet(sheet_name, index=wb.sheetnames.index(SHEET_NAMES))
        ws.append([question.text])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(list(ROUTE_COLUMNS))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDE", (48, 16, 22, 10, 48), strict=True):
            ws.column_dimensions[letter].width = width
        dv = name_list("Choose an organisation, or type its name if it is not listed.")
        ws.add_data_validation(dv)
        dv.add(f"A3:A{_ROWS + 2}")
        kinds = DataValidation(type="list", formula1='"' + ",".join(schema.KINDS) + '"',
                               allow_blank=True, showErrorMessage=True,
                               error="Choose referral, signposting or partnership.")
        ws.add_data_validation(kinds)
        kinds.add(f"B3:B{_ROWS + 2}")
        count = DataValidation(type="whole", operator="between", formula1="0",
                               formula2="100000", allow_blank=True, showErrorMessage=True,
                               error="A whole number of young people a year.")
        ws.add_data_validation(count)
        count.add(f"C3:C{_ROWS + 2}")
        ws.freeze_panes = "A3"
    about.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


def survey_text(net: Network, *, title: str | None = None) -> str:
    """The survey as plain text to paste into an online form, question by question, and
    the known organisation names to paste as the choices of a drop-down list (with
    "Other" allowed).

    >>> import musicnet
    >>> text = survey_text(musicnet.load("data"))
    >>> print(text.splitlines()[0])
    Youth music routes survey
    >>> "Which organisations do you refer or signpost young people to?" in text
    True
    """
    heading = title or "Youth music routes survey"
    out = [heading, "=" * len(heading), "",
           "Set up one question per item below, with the question text exactly as given "
           "(musicnet recognises the answers by it). Export the answers as CSV or Excel "
           "(one row per organisation) and run: musicnet responses ANSWERS.csv -d DATA "
           "-o NEW_DATA", ""]
    n = 0
    for q in ABOUT_YOU:
        n += 1
        kind = "drop-down list of the names below, with 'Other' allowed" if q.key == "name" \
            else "short answer"
        out.append(f"{n}. {q.text}")
        out.append(f"   ({kind}{'; required' if q.required else ''}) {q.help}")
        out.append("")
    for q in ROUTE_QUESTIONS.values():
        n += 1
        out.append(f"{n}. {q.text}")
        out.append(f"   (long answer) {q.help}")
        out.append("")
    names = sorted(set(choice_names(net.orgs.values()).values()), key=str.casefold)
    out.append(f"Organisation names for the drop-down list ({len(names)}):")
    out.extend(names)
    return "\n".join(out) + "\n"
