"""Offset-preserving clean-up of titles and abstracts (URLs, LaTeX mark-up).

Every substitution keeps the string length, so character offsets found in the cleaned text are also
offsets in the original field: ``extractions.jsonl`` reports mentions against the text as it was read.
Custom LaTeX macros that stand for the paper's own system (``\\sysname``, ``\\ours``) are kept: the
extractor treats them as references to the name the paper introduces.
"""

from __future__ import annotations

import re

_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:github|huggingface)\.(?:com|co|io)/\S+", re.I)
_TRAILING_URL_PUNCT = ".,;:)]}'\""
# Formatting macros whose argument is ordinary text: the macro name and braces become spaces.
_FORMAT_MACRO = re.compile(r"\\(?:textbf|textit|texttt|emph|mathrm|mathbf|mathit|textsc|text|underline|mathcal|url|href)\{")
_ESCAPED_CHAR = re.compile(r"\\([%&_#$])")
_TILDE = re.compile(r"(?<=\w)~(?=[\w(\[])")        # LaTeX non-breaking space ("Task~Arithmetic", "MoE~(MoE)")
_INLINE_MATH = re.compile(r"\$[^$\n]{1,80}\$")
_MATH_MACRO = re.compile(r"\\(?:sim|approx|times|cdot|leq|geq|le|ge|pm|mathbf|mathrm|mathcal|text|frac|sqrt|ell|alpha|beta|gamma|delta|epsilon|lambda|mu|sigma|tau|theta|infty|rightarrow|to)\b")


#: A LaTeX command standing alone ("\\sysname"): a paper's placeholder for its own name, never a name of its own.
LATEX_MACRO = re.compile(r"^\\[A-Za-z]+$")


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _blank_url(match: re.Match[str]) -> str:
    url = match.group(0)
    kept = len(url.rstrip(_TRAILING_URL_PUNCT))
    return " " * kept + url[kept:]


def _blank_format_macros(text: str) -> str:
    """Blank ``\\textbf{`` … ``}`` (macro name and its matching brace), keeping the argument text."""
    if "\\" not in text:
        return text                   # no macro: skip the per-character copy (most abstracts)
    out = list(text)
    for m in _FORMAT_MACRO.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            out[i - 1] = " "
            out[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(out)


def clean_text(text: str) -> str:
    """Return ``text`` with URLs and LaTeX mark-up blanked, same length as the input.

    Examples
    --------
    >>> clean_text(r"We beat \\textbf{GPT-4} by 5\\% (code: https://github.com/a/b).")
    'We beat         GPT-4  by 5 % (code:                       ).'
    """
    text = _URL.sub(_blank_url, text)
    text = _INLINE_MATH.sub(lambda m: "$" + _MATH_MACRO.sub(_blank, m.group(0)[1:-1]) + "$", text)
    text = _MATH_MACRO.sub(_blank, text)
    text = _blank_format_macros(text)
    text = _ESCAPED_CHAR.sub(lambda m: " " + m.group(1), text)
    text = _TILDE.sub(" ", text)
    return text.replace("\n", " ").replace("\t", " ")
