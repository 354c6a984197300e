"""How run figures are written: rates to 3 decimals, ratios to 2, undefined never as 0."""

from audits.reports.run.numbers import cell, digits_for, interval_text, metric_cell


def test_ratios_get_two_decimals_and_rates_and_differences_three():
    assert digits_for("impact_ratio") == 2
    assert digits_for("demographic_parity_ratio") == 2
    assert digits_for("selection_rate") == 3
    assert digits_for("demographic_parity_difference") == 3


def test_a_number_is_rounded_and_keeps_its_exact_value():
    rate = metric_cell("selection_rate", 2 / 3, interval=[0.61234, 0.71876])
    assert (rate.text, rate.exact, rate.interval) == ("0.667", repr(2 / 3), "0.612–0.719")
    assert metric_cell("impact_ratio", 2 / 3).text == "0.67"


def test_an_undefined_value_says_why_and_is_never_zero():
    undefined = cell(None, 3, interval=[0.1, 0.2], why="no actual positives")
    assert undefined.text == "—" and undefined.text != "0.000"
    assert undefined.exact == "undefined: no actual positives"
    assert undefined.undefined and undefined.interval == ""
    assert cell(None, 2).exact == "undefined"


def test_zero_is_a_value_not_undefined():
    zero = cell(0.0, 3)
    assert (zero.text, zero.undefined) == ("0.000", False)


def test_an_interval_with_an_undefined_end_is_not_shown():
    assert interval_text([0.1, None], 3) == ""
    assert interval_text(None, 3) == ""
    assert interval_text((0.1, 0.25), 2) == "0.10–0.25"
