"""Fuzzing study files: every file either loads or is refused with InputError, never anything else.

Two generators: structured files (the real keys with values of every type and size,
from NUL-laden names to 10^22 replications) and raw text (a valid file with bytes
inserted, deleted or repeated). A file that loads must also say how many runs it
has without hanging (hypothesis' deadline per example catches a hang).
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition_sim.studies.study_file import MAX_RUNS, TOP_KEYS, load_study, outcome_types
from coalition_sim.util.errors import InputError

VALID = """\
name = "fuzz"
steps = 24
replications = 3
master_seed = 1
series = ["members"]

[fixed]
n_orgs = 12

[varied]
governance = ["consensus", "opt-in"]
backbone_strength = {low = 0.0, high = 1.0, num = 3}
"""
PARAMS = ["n_orgs", "governance", "backbone_strength", "tolerance", "initial_trust", "patience", "nope"]
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=10),  # generous on a shared machine; a hang takes far longer
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

huge_ints = st.one_of(
    st.integers(-10, 200),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, 2**31, 2**40, 2**63 - 1, 2**63, 10**8, 10**11, 10**18, 10**22]),
)
texts = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", "a\x00b", "x" * 300, "../up", ".hidden", "a/b", "ok_name", "tab\there"]
)
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, 0.5, 1.0, 1e308, -1.0])
scalars = st.one_of(huge_ints, floats, texts, st.booleans())
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["low", "high", "num", "kind", "values", "x"]), inner, max_size=4)
    ),
    max_leaves=12,
)


def toml_value(value) -> str:
    """A value written as TOML (inline arrays and tables; strings escaped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value)
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + "}"


@st.composite
def study_texts(draw) -> str:
    top = {
        "name": draw(texts | st.just("fuzz")),
        "replications": draw(huge_ints),
        "master_seed": draw(huge_ints),
    }
    for key in draw(st.lists(st.sampled_from([*TOP_KEYS, "bogus"]), max_size=4, unique=True)):
        if key not in ("fixed", "varied", "design"):
            top[key] = draw(values | huge_ints)
    lines = [f'"{k}" = {toml_value(v)}' for k, v in top.items()]
    for table in draw(st.lists(st.sampled_from(["fixed", "varied", "design"]), max_size=3, unique=True)):
        lines.append(f"[{table}]")
        if table == "design":
            lines.append(f"kind = {toml_value(draw(st.sampled_from(['factorial', 'lhs', 'sobol', 'nope'])))}")
            if draw(st.booleans()):
                lines.append(f"samples = {toml_value(draw(huge_ints))}")
            continue
        for name in draw(st.lists(st.sampled_from(PARAMS), max_size=3, unique=True)):
            lines.append(f"{name} = {toml_value(draw(values))}")
    return "\n".join(lines) + "\n"


@st.composite
def mangled_texts(draw) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "repeat"]))
        if action == "insert":
            text = (
                text[:at] + draw(st.text(max_size=6) | st.sampled_from(["[" * 600, "\x00", "=", "]]", '"'])) + text[at:]
            )
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            text = text[:at] + text[at : at + 30] * draw(st.integers(2, 50)) + text[at + 30 :]
    return text


@pytest.fixture(scope="module", autouse=True)
def _warm():
    outcome_types()  # builds one tiny model (imports Mesa) once, outside the per-example deadline


def load_or_refuse(tmp_path, text: str) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        spec = load_study(path)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message.strip(), message
        return
    assert 1 <= spec.n_runs <= MAX_RUNS
    if spec.n_runs <= 5_000:
        first = next(spec.runs())
        assert first.run_id == 0 and first.steps == spec.steps


@FUZZ
@given(text=study_texts())
def test_structured_study_files_load_or_are_refused(tmp_path, text):
    load_or_refuse(tmp_path, text)


@FUZZ
@given(text=mangled_texts())
def test_mangled_study_files_load_or_are_refused(tmp_path, text):
    load_or_refuse(tmp_path, text)


def test_the_valid_file_loads(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(VALID)
    assert load_study(path).n_runs == 2 * 3 * 3
