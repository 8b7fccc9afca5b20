"""The playground's data: every generated set labelled, balanced and in the box; the digits split (fit digits
to learn from, validation to watch, held-out test once); the CSV gate's bad-file corpus and odd-but-valid
files; the input features and the plotting grid."""
import math

import numpy as np
import pytest
import torch

from demos.playground import datasets


@pytest.mark.parametrize("name", datasets.POINT_SETS)
def test_every_point_set_is_labelled_balanced_and_in_the_box(name):
    x, y = datasets.make_points(name, 200, 0.3, 0)
    assert x.shape == (200, 2) and np.abs(x).max() <= datasets.DOMAIN and set(np.unique(y)) == {0.0, 1.0}
    assert 0.25 < y.mean() < 0.75
    assert np.array_equal(x, datasets.make_points(name, 200, 0.3, 0)[0])
    data = datasets.split(x, y, 0.1, 0)  # even a small training share keeps both classes on both sides
    assert set(data.y_train.tolist()) == {0.0, 1.0} == set(data.y_val.tolist())


def test_digits_train_on_fit_digits_and_validate_on_the_validation_split(mnist):
    from models.data import validation_split

    fit_x, _, val_x, _ = validation_split()
    data = datasets.digits_data(300, 0)
    assert len(data.y_train) == 300 and np.bincount(data.y_train.numpy()).tolist() == [30] * 10
    fit = {tuple(r) for r in fit_x.flatten(1)[:, ::7].numpy().round(4).tolist()}
    assert all(tuple(r) in fit for r in data.x_train[:, ::7].numpy().round(4).tolist())  # drawn from the fit digits
    assert torch.equal(data.x_val, val_x.flatten(1))
    assert torch.equal(data.x_test, mnist.test_images.flatten(1))  # only for the final number


# ---------------------------------------------------------------- the CSV gate
BAD_CSV = {
    "empty": b"", "blank lines": b"\n\n  \n", "header only": b"x1,x2,label\n", "one row": b"1,2,0\n",
    "one class": b"0,0,1\n1,1,1\n2,2,1\n3,3,1\n", "three classes": b"0,0,a\n1,1,b\n2,2,c\n3,3,a\n",
    "nan": b"0,0,0\nnan,1,1\n2,2,0\n3,3,1\n", "inf": b"0,0,0\ninf,1,1\n2,2,0\n3,3,1\n",
    "huge": b"0,0,0\n1e300,1,1\n2,2,0\n3,3,1\n", "missing label": b"0,0,0\n1,1,\n2,2,0\n3,3,1\n",
    "nan label": b"0,0,0\n1,1,NaN\n2,2,0\n3,3,1\n",
    "prose": "The quick brown fox jumps over the lazy dog.\nIt was not a CSV.\n".encode() * 3,
    "three columns of strings": b"a,b,c\nd,e,f\ng,h,i\nj,k,l\nm,n,o\n",
    "two columns": b"0,0\n1,1\n2,2\n3,3\n", "four columns": b"0,0,0,1\n1,1,1,1\n2,2,0,1\n3,3,1,1\n",
    "ragged": b"0,0,0\n1,1\n2,2,0\n3,3,1\n",
    "a million rows": b"0,0,0\n" * 1_000_000, "30,000 rows": b"0,1,0\n1,0,1\n" * 15_000,
    "binary": bytes(range(256)) * 8, "latin-1": "0,0,caf\xe9\n1,1,th\xe9\n2,2,caf\xe9\n3,3,th\xe9\n".encode("latin-1"),
    "one of a class": b"0,0,0\n1,1,0\n2,2,0\n3,3,1\n", "same x1": b"1,0,0\n1,1,1\n1,2,0\n1,3,1\n",
    "html": b"<html><script>alert(1)</script></html>\n<p>1,2,3</p>\n",
    "json": b'{"x1": [0, 1], "x2": [0, 1], "label": [0, 1]}',
}
HOSTILE_CSV = {  # the files of issue #29 -> a word their message must hold
    "only a byte-order mark": (b"\xef\xbb\xbf", "empty"),
    "no-break and ideographic spaces": ("\u00a0\n\u3000\u00a0\n\ufeff\u200b\n".encode(), "empty"),
    "a 140,000-character cell": (b"0,0," + b"a" * 140_000 + b"\n1,1,b\n2,2,a\n3,3,b\n", "140,004 characters"),
    # float32 keeps ~7 significant digits: every x1 (and x2) below is 100,000,000 to the network
    "equal in float32": (b"100000000.001,100000000.001,b\n100000000.002,100000000.004,a\n"
                         b"100000000.003,100000000.002,b\n100000000.004,100000000.003,a\n", "7 significant digits"),
    "CR-only, 117,582 rows": (b"0,1,0\r1,0,1\r" * 58_791, "more than 20,000 rows"),
    "U+2028 rows, 38,824": ("0,1,0\u20281,0,1\u2028".encode() * 19_412, "more than 20,000 rows"),
    "U+2029, U+0085, form feed rows": ("0,1,0\u20291,0,1\x85".encode() * 5_001 + b"0,1,0\f" * 10_001, "more than 20,000"),
    "digits of other scripts": ("0,0,a\n1_0,1,b\n\u0661\u0660,2,a\n\uff17,\U0001d7d3,b\n".encode(), "not two numbers"),
    "quote never closed": (b'0,0,a\n1,1,"b\n2,2,a\n3,3,b\n', "only 2 data row"),  # the quote swallows the rest
}


@pytest.mark.parametrize("name", list(HOSTILE_CSV))
def test_the_hostile_csv_files_of_issue_29_get_a_message_not_a_traceback(name):
    raw, expected = HOSTILE_CSV[name]
    with pytest.raises(datasets.CsvError, match=expected):
        datasets.parse_csv(raw)


def test_every_kind_of_line_break_and_space_is_read_as_such():
    # the same four points with \r, U+2028, U+0085 breaks and no-break / ideographic / BOM padding
    for raw in (b"0,0,0\r1,1,1\r2,0,0\r0,2,1\r", "0,0,0\u20281,1,1\u20282,0,0\u20280,2,1".encode(),
                "\u00a00,0,0\u3000\x851,1,1\n\ufeff2,0,0\n0,\u00a02,1\n".encode()):
        x, y, names = datasets.parse_csv(raw)
        assert x.tolist() == [[0, 0], [1, 1], [2, 0], [0, 2]] and y.tolist() == [0, 1, 0, 1], raw
    # 20,000 rows is the cap: 20,000 CR-ended rows pass, 20,001 (plus no header) do not
    assert len(datasets.parse_csv(b"0,1,0\r1,0,1\r" * 10_000)[0]) == 20_000
    with pytest.raises(datasets.CsvError):
        datasets.parse_csv(b"0,1,0\r1,0,1\r" * 10_001)


def test_points_apart_in_float32_pass_and_labels_of_other_scripts_stay_text():
    # 1e8 and 1e8 + 16 differ in float32 (spacing 8 there): accepted
    x, _, _ = datasets.parse_csv(b"100000000,0,a\n100000016,1,b\n100000000,2,a\n100000016,3,b\n")
    assert x.dtype == np.float32 and np.ptp(x[:, 0]) == 16
    _, _, names = datasets.parse_csv("0,0,\u0661\n1,1,1\n2,0,\u0661\n0,2,1\n".encode())
    assert names == ("1.0", "\u0661")  # "١" is not the number 1: two classes, the number first


GOOD_CSV = {  # odd but usable: (bytes, label names)
    "unicode header": ("x₁,x₂,étiquette 🏷️\n0,0,0\n1,1,1\n2,0,0\n0,2,1\n".encode(), ("0.0", "1.0")),
    "bom + crlf": (b"\xef\xbb\xbfx1,x2,y\r\n0,0,0\r\n1,1,1\r\n2,0,0\r\n0,2,1\r\n", ("0.0", "1.0")),
    "semicolons": (b"0;0;-1\n1;1;1\n2;0;-1\n0;2;1\n", ("-1.0", "1.0")),
    "tabs": (b"0\t0\tcat\n1\t1\tdog\n2\t0\tcat\n0\t2\tdog\n", ("cat", "dog")),
    "spaces": (b"0 0 0\n1 1 1\n2 0 0\n0 2 1\n\n\n", ("0.0", "1.0")),
    "scientific": (b"1e-3,2E2,0\n-4.5e1,3,1\n2,0,0\n0,2,1\n", ("0.0", "1.0")),
    "quoted": (b'"0","0","a"\n"1","1","b"\n"2","0","a"\n"0","2","b"\n', ("a", "b")),
}


@pytest.mark.parametrize("name", list(BAD_CSV))
def test_the_csv_gate_refuses_every_bad_file_with_a_clear_message(name):
    with pytest.raises(datasets.CsvError) as err:
        datasets.parse_csv(BAD_CSV[name])
    message = str(err.value)
    assert 10 < len(message) < 200 and "Traceback" not in message


@pytest.mark.parametrize("name", list(GOOD_CSV))
def test_odd_but_valid_csv_files_are_accepted(name):
    raw, names = GOOD_CSV[name]
    x, y, found = datasets.parse_csv(raw)
    assert x.shape == (4, 2) and y.tolist() == [0, 1, 0, 1] and found == names
    data = datasets.csv_data(x, y, found, 0.5, 0)
    assert data.lo[0] < x[:, 0].min() and data.hi[1] > x[:, 1].max()




def test_csv_messages_and_class_names_quote_what_the_file_holds():
    """Cells and labels from the file reach messages and hover labels through demos.text.quote: cut to
    LABEL_LIMIT characters (then "…"), backticks and characters that do not print as themselves made
    inert; letters of any script stay."""
    with pytest.raises(datasets.CsvError) as err:
        datasets.parse_csv(b"0,0,0\n`x`\xe2\x80\xae" + b"9" * 40 + b",1,1\n2,2,0\n3,3,1\n")
    message = str(err.value)
    # the cell `x`\u202e999… cut to 24 characters: backticks backslashed, the override written \u202e
    assert message.startswith("data row 2: “\\`x\\`\\\\u202e" + "9" * 20 + "…, 1” are not two numbers")
    assert "\u202e" not in message
    long = "a label far longer than twenty-four characters"
    x, y, names = datasets.parse_csv(f"0,0,{long}\n1,1,b`c\n2,0,{long}\n0,2,b`c\n".encode())
    assert names == (long[:datasets.LABEL_LIMIT] + "…", "b`c")  # plain text (for charts): cut, not escaped
    _, _, names = datasets.parse_csv("0,0,chat\n1,1,été\n2,0,chat\n0,2,été\n".encode())
    assert names == ("chat", "été")  # letters of any script stay as they are


def test_features_rescale_the_box_to_the_domain_and_compute_each_input():
    x = torch.tensor([[100.0, -1.0], [300.0, 1.0], [200.0, 0.0]])
    u = datasets.features(x, ("x1", "x2"), (100.0, -1.0), (300.0, 1.0))
    assert torch.allclose(u, torch.tensor([[-3.0, -3.0], [3.0, 3.0], [0.0, 0.0]]))  # the box maps onto [-3, 3]²
    p = torch.tensor([[0.5, -2.0], [1.5, 2.5]])  # generated sets: the identity, then each formula
    out = datasets.features(p, tuple(datasets.FEATURES), (-3.0, -3.0), (3.0, 3.0))
    a, b = p[:, 0], p[:, 1]
    expected = torch.stack([a, b, a * a, b * b, a * b, torch.sin(a), torch.sin(b)], 1)
    assert torch.allclose(out, expected)


def test_the_plotting_grid_runs_row_by_row_over_the_box():
    gx, gy, points = datasets.grid((-1.0, 0.0), (1.0, 4.0), n=5)
    assert gx.tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0] and gy.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert points.shape == (25, 2) and points[1].tolist() == [-0.5, 0.0] and points[5].tolist() == [-1.0, 1.0]
    assert datasets.grid((-3, -3), (3, 3))[2].shape == (datasets.GRID ** 2, 2)


def test_an_upload_is_drawn_over_its_own_bounding_box():
    x = np.array([[0.0, 10.0], [2.0, 30.0], [1.0, 20.0], [1.5, 25.0]], dtype=np.float32)
    data = datasets.csv_data(x, np.array([0, 1, 0, 1], dtype=np.float32), ("a", "b"), 0.5, 0)
    assert data.lo == pytest.approx((-0.16, 8.4)) and data.hi == pytest.approx((2.16, 31.6))  # ± 8 % of the range
    assert data.classes == ("a", "b") and not data.digits and math.isclose(len(data.y_train) / 4, 0.5)
