#!/usr/bin/env bash
# Re-extract the core's strings and merge them into the ko / zh_Hans / en catalogues.
#   scripts/i18n.sh            extract + update (new msgids get empty msgstr: translate them)
#   scripts/i18n.sh --check    also fail when any ko / zh_Hans msgid is untranslated
#   scripts/i18n.sh --compile  only compile every .po (core and plugins) into its .mo (an editable install)
# A wheel ships compiled .mo files (setup.py's build_py); `pip install -e .` compiles them in the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-$(dirname "$(command -v python)")/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=pybabel
OUT=core/translations
if [ "${1:-}" = "--compile" ]; then
  python -c 'import sys; from pathlib import Path; from core.translations import compile_catalogues
for folder in sys.argv[1:]: compile_catalogues(Path(folder))' "$OUT" plugins/*/translations
  exit 0
fi
"$PYBABEL" -q extract -F "$OUT/babel.cfg" -k _l -k lazy_gettext -k ngettext:1,2 --no-location \
    --project plugcrm --sort-by-file -o "$OUT/messages.pot" core
for lang in ko zh_Hans en; do
  if [ -f "$OUT/$lang/LC_MESSAGES/messages.po" ]; then
    "$PYBABEL" -q update -i "$OUT/messages.pot" -d "$OUT" -l "$lang" --no-fuzzy-matching --ignore-obsolete
  else
    "$PYBABEL" -q init -i "$OUT/messages.pot" -d "$OUT" -l "$lang"
  fi
done
python -m core.translations.fill_en "$OUT/en/LC_MESSAGES/messages.po"
"$0" --compile
if [ "${1:-}" = "--check" ]; then
  python -m core.translations.check "$OUT"
fi
