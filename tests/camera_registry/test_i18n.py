"""The Chinese catalogue covers every message of the dashboard and is compiled."""
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from camera_registry.i18n import CATALOGUE, ROOT


def source_messages() -> set[str]:
    found = set()
    for folder, method in (("camera_registry", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[(pattern, method)],
                keywords={"_": None, "gettext": None, "lazy_gettext": None}):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_chinese_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert source_messages() - translated == set()


def test_compiled_catalogue_matches_the_source_catalogue():
    with CATALOGUE.open("rb") as handle:
        source = {m.id: m.string for m in read_po(handle) if m.id}
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source
