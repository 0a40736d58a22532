"""TOML input: bounded in size and depth, one line for every malformed file."""

from __future__ import annotations

import pytest

from coalition_sim.util.errors import InputError
from coalition_sim.util.toml_input import MAX_DEPTH, nesting_depth, parse_toml_text, read_toml


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 5000])
def test_deep_nesting_is_one_line_not_a_recursion_error(depth):
    with pytest.raises(InputError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_toml_text("a = " + "[" * depth + "]" * depth, "f.toml")


def test_ordinary_nesting_loads():
    data = parse_toml_text("a = [[1, 2], [3]]\n[b.c]\nd = {e = [1]}\n", "f.toml")
    assert data["a"] == [[1, 2], [3]] and nesting_depth(data) == 5  # top, b, c, d, the list


def test_nesting_depth_counts_dicts_and_lists():
    assert nesting_depth(1) == 0
    assert nesting_depth({"a": 1}) == 1
    assert nesting_depth({"a": [[{"b": 2}]]}) == 4


def test_huge_binary_and_folder_inputs_are_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 1_100_000)
    with pytest.raises(InputError, match="larger than"):
        read_toml(big, "study")
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="not a text file"):
        read_toml(binary, "study")
    with pytest.raises(InputError, match="is a folder"):
        read_toml(tmp_path, "study")
    with pytest.raises(InputError, match="NUL"):
        read_toml("a\x00b.toml", "study")
