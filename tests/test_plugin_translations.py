"""Each in-tree plugin translates in its own domain, with its own words.

A plugin module that took ``gettext`` from Flask-Babel would read the core's catalogue (the default
domain) and show the core's meaning of a word the plugin means otherwise (inventory's "From" is a
period start, 기간, not the core's 보내는 사람): plugins use ``translator("<plugin>")`` from
``core.plugin_api``.  And every message a plugin's code or templates use has a Korean and a Chinese
translation in the plugin's own catalogue (``python -m core.translation_tables <plugin>`` merges new
ones in), so nothing falls back to another catalogue's meaning.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists())
GETTEXT_NAMES = {"gettext", "lazy_gettext", "ngettext", "pgettext", "npgettext", "lazy_ngettext",
                 "lazy_pgettext", "_"}
SKIPPED_DIRS = {"tests", "translations", "migrations", "__pycache__"}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def plugin_modules(plugin: Path):
    for path in sorted(plugin.rglob("*.py")):
        if not SKIPPED_DIRS & set(path.relative_to(plugin).parts[:-1]):
            yield path


def direct_gettext_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_babel"):
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names
                      if a.name in GETTEXT_NAMES or a.name == "*"]
        elif isinstance(node, ast.Import):
            found += [f"{path.relative_to(ROOT)}:{node.lineno} import {a.name}" for a in node.names
                      if a.name == "flask_babel"]
    return found


def test_no_plugin_module_takes_gettext_from_flask_babel():
    found = [hit for plugin in PLUGINS for path in plugin_modules(plugin) for hit in direct_gettext_imports(path)]
    assert found == [], "use `_, _l = translator(\"<plugin>\")` from core.plugin_api:\n" + "\n".join(found)


def used_msgids(plugin: Path) -> set[str]:
    def keep(dirpath: str) -> bool:
        return not SKIPPED_DIRS & set(Path(dirpath).relative_to(plugin).parts)

    return {(message if isinstance(message, str) else message[0])
            for _file, _line, message, _comments, _context in
            extract_from_dir(str(plugin), METHODS, keywords=KEYWORDS, directory_filter=keep)
            if message and (message if isinstance(message, str) else message[0])}


def translations(plugin: Path, lang: str) -> dict:
    path = plugin / "translations" / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        return {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(f) if m.id}


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_every_message_a_plugin_uses_is_translated_in_its_own_catalogue(plugin):
    used = used_msgids(plugin)
    for lang in ("ko", "zh_Hans"):
        catalogue = translations(plugin, lang)
        missing = []
        for msgid in sorted(used):
            message = catalogue.get(msgid)
            strings = () if message is None else (
                message.string if isinstance(message.string, tuple) else (message.string,))
            if message is None or message.fuzzy or not strings or not all(s and s.strip() for s in strings):
                missing.append(msgid)
        assert missing == [], f"{plugin.name} {lang}: run `python -m core.translation_tables {plugin.name}` and translate"


def test_the_known_plugin_meanings_are_their_own(crm_app_factory):
    """The words issue 15 found showing the core's meaning on plugin pages, read as the plugins' code does."""
    from flask_babel import force_locale, gettext

    from core.plugin_api import translator

    app = crm_app_factory(plugins=["customers", "products", "opportunities", "quotes", "inventory", "sms",
                                   "workflows", "leads", "webforms", "deal_alerts"])
    expected = {("inventory", "From"): ("기간", "期间"), ("inventory", "Type"): ("구분", "类型"),
                ("sms", "To"): ("수신번호", "接收号码"), ("sms", "Text"): ("내용", "内容"),
                ("workflows", "When"): ("시각", "时间"), ("workflows", "Edit"): ("편집", "编辑"),
                ("webforms", "Type"): ("형식", "类型"), ("deal_alerts", "Text"): ("본문", "正文"),
                ("leads", "Phone"): ("전화", "电话"), ("leads", "Back"): ("돌아가기", "返回")}
    with app.test_request_context():
        for index, lang in enumerate(("ko", "zh_Hans")):
            with force_locale(lang):
                for (plugin, msgid), words in expected.items():
                    _, _l = translator(plugin)
                    assert (_(msgid), str(_l(msgid))) == (words[index], words[index]), (plugin, msgid, lang)
            with force_locale("ko"):
                assert gettext("From") == "보내는 사람"  # the core's own meaning stays the core's
