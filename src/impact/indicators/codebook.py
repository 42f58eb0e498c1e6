"""The codebook: every indicator's label, definition, rule, inputs, population and parameters.

Generated from the definitions (built-in plus a study's own) with the parameter values in force,
as Markdown and as a Quarto page, in Swedish and English. A study's own definitions are data:
their ids, labels, texts, rules and parameter values are escaped
(:func:`impact.escaping.markdown_text`, :func:`~impact.escaping.markdown_code`), so they print
as written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from impact.errors import InputError, Problem
from impact.escaping import markdown_code, markdown_text
from impact.i18n import LANGUAGES, Lang, table
from impact.indicators import expr_ast
from impact.indicators.panel_check import Definitions
from impact.indicators.registry import BoundIndicator, IndicatorRegistry, load_registry
from impact.ingest.adapters.checkbox import CheckboxQuestion, checkbox_rules_markdown
from impact.outputs import atomic_file

_TEXT: dict[str, dict[str, str]] = table("labels.codebook")


def _t(key: str, lang: Lang) -> str:
    return _TEXT[key][lang]


def _waves(waves: frozenset[str], lang: Lang) -> str:
    names = []
    for wave in sorted(waves, key=lambda w: (w != "b", w != "r", w)):
        if wave in ("b", "r"):
            names.append(_t(f"waves_{wave}", lang))
        else:
            names.append(f"{_t('waves_f', lang)} {wave[1:]}")
    if len(names) > 1:
        return f"{', '.join(names[:-1])} {_t('and', lang)} {names[-1]}"
    return names[0] if names else ""


def _population(b: BoundIndicator, lang: Lang) -> str:
    base = _t("everyone", lang)
    if b.waves:
        base = f"{base} {_t('answered', lang)} {_waves(b.waves, lang)}"
    population = b.definition.population
    if population is None or b.population is None:
        return base
    rule = markdown_text(expr_ast.render(b.population, lang, b.params))
    outside = _t("outside_false" if population.outside == "false" else "outside_missing", lang)
    return f"{base}; {markdown_text(population.label.in_language(lang))}: {rule} ({outside})"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return markdown_text(value)


def _code_block(lines: list[str]) -> list[str]:
    """A fenced code block whose fence no line of ``lines`` can close."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, *lines, fence]


def _indicator_section(b: BoundIndicator, lang: Lang) -> list[str]:
    d = b.definition
    lines = [
        f"### {markdown_code(d.id)} — {markdown_text(d.label.in_language(lang))}",
        "",
        f"- **{_t('col_version', lang)}:** {markdown_text(d.version)}"
        f" · **{_t('col_kind', lang)}:** {_t(f'kind_{d.kind}', lang)}",
        f"- **{_t('definition', lang)}:** {markdown_text(d.definition.in_language(lang))}",
        f"- **{_t('rule', lang)}:** {markdown_text(expr_ast.render(b.rule, lang, b.params))}",
        f"- **{_t('inputs', lang)}:** "
        + (", ".join(markdown_code(c) for c in b.columns) or _t("none", lang)),
    ]
    if d.references():
        references = ", ".join(markdown_code(r) for r in d.references())
        lines.append(f"- **{_t('reads', lang)}:** {references}")
    lines.append(f"- **{_t('population', lang)}:** {_population(b, lang)}")
    if b.source != "builtin":
        lines.append(f"- **{_t('source', lang)}:** {markdown_code(b.source)}")
    code = [f"rule: {expr_ast.to_text(b.rule)}"]
    if b.population is not None:
        code.append(f"population: {expr_ast.to_text(b.population)}")
    lines += ["", f"{_t('rule_text', lang)}:", "", *_code_block(code), ""]
    if d.params:
        lines += [
            f"{_t('params', lang)}:",
            "",
            f"| {_t('col_param', lang)} | {_t('col_value', lang)} | {_t('col_default', lang)}"
            f" | {_t('col_meaning', lang)} |",
            "|---|---|---|---|",
        ]
        for name, spec in d.params.items():
            lines.append(
                f"| {markdown_code(name)} | {_value(b.params[name])} | {_value(spec.default)}"
                f" | {markdown_text(spec.label.in_language(lang))} |"
            )
        lines.append("")
    return lines


def codebook_markdown(
    registry: IndicatorRegistry,
    lang: Lang,
    params: Mapping[str, Any] | None = None,
    checkboxes: Sequence[CheckboxQuestion] = (),
) -> str:
    """Return the codebook body as Markdown.

    Parameters
    ----------
    registry : IndicatorRegistry
        The definitions to document.
    lang : {"sv", "en"}
        The language.
    params : mapping, optional
        Parameter overrides (as for ``compute_indicators``); the codebook shows values in force.
    checkboxes : sequence of CheckboxQuestion
        The mapping's checkbox questions: the codebook states how their blank options were
        read (:func:`impact.ingest.adapters.checkbox.checkbox_rules_markdown`).
    """
    if lang not in LANGUAGES:
        raise InputError(
            "Unknown codebook language",
            [Problem("codebook", f"one of {', '.join(LANGUAGES)}", column="lang", value=str(lang))],
        )
    bound = {b.id: b for b in registry.bind(params)}
    lines = [_t("intro", lang), "", f"## {_t('missing_title', lang)}", "", _t("missing", lang), ""]
    lines += [
        f"## {_t('overview', lang)}",
        "",
        f"| {_t('col_id', lang)} | {_t('col_label', lang)} | {_t('col_kind', lang)}"
        f" | {_t('col_version', lang)} |",
        "|---|---|---|---|",
    ]
    for d in registry.definitions:
        kind = _t(f"kind_{d.kind}", lang)
        label, version = markdown_text(d.label.in_language(lang)), markdown_text(d.version)
        lines.append(f"| {markdown_code(d.id)} | {label} | {kind} | {version} |")
    lines.append("")
    sections = list(registry.sections)
    known = {s.id for s in sections}
    extra = [d.section for d in registry.definitions if d.section not in known]
    for section in sections:
        members = [d for d in registry.definitions if d.section == section.id]
        if not members:
            continue
        lines += [f"## {markdown_text(section.label.in_language(lang))}", ""]
        for d in members:
            lines += _indicator_section(bound[d.id], lang)
    for section_id in dict.fromkeys(extra):
        lines += [f"## {markdown_text(section_id)}", ""]
        for d in registry.definitions:
            if d.section == section_id:
                lines += _indicator_section(bound[d.id], lang)
    lines += checkbox_rules_markdown(checkboxes, lang)
    return "\n".join(lines).rstrip() + "\n"


def write_codebook(
    directory: str | os.PathLike[str],
    lang: Lang | None = None,
    definitions: Definitions = None,
    params: Mapping[str, Any] | None = None,
    checkboxes: Sequence[CheckboxQuestion] = (),
) -> list[Path]:
    """Write the codebook as Markdown (``codebook.<lang>.md``) and Quarto (``codebook.<lang>.qmd``).

    Parameters
    ----------
    directory : path
        Where to write (created if needed; other files in it are left alone).
    lang : {"sv", "en"}, optional
        One language; default both.
    definitions, params : optional
        As for ``compute_indicators``.
    checkboxes : sequence of CheckboxQuestion
        The mapping's checkbox questions, whose blank rule the codebook states.

    Returns
    -------
    list of Path
        The files written.
    """
    if lang is not None and lang not in LANGUAGES:
        raise InputError(
            "Unknown codebook language",
            [Problem("codebook", f"one of {', '.join(LANGUAGES)}", column="lang", value=str(lang))],
        )
    languages = LANGUAGES if lang is None else (lang,)
    registry = load_registry(definitions)
    directory = Path(directory)
    written = []
    for language in languages:
        body = codebook_markdown(registry, language, params, checkboxes)
        title = _t("title", language)
        md = directory / f"codebook.{language}.md"
        with atomic_file(md, encoding="utf-8") as handle:
            handle.write(f"# {title}\n\n{body}")
        qmd = directory / f"codebook.{language}.qmd"
        front = f'---\ntitle: "{title}"\nlang: {language}\nformat:\n  html:\n    toc: true\n---\n\n'
        with atomic_file(qmd, encoding="utf-8") as handle:
            handle.write(front + body)
        written += [md, qmd]
    return written
