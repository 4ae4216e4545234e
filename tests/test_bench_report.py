"""The bench's table says of every missed target by how much it was missed."""
from bench.report import Row, print_table


def test_a_missed_target_says_by_how_much_and_a_met_one_says_nothing(capsys):
    short = Row("member action list", ratio=0.26, target=">= 0.33 x hello-world")
    short.passed = short.check("ratio", 0.26, 0.33)
    slow = Row("staff directory", p95_ms=124.4, ratio=0.02, target="p95 <= 25 ms, >= 0.2 x")
    slow.passed = slow.check("p95 ms", 124.4, 25, at_most=True) & slow.check("ratio", 0.02, 0.2)
    met = Row("public home page", ratio=0.66, target=">= 0.5 x hello-world")
    met.passed = met.check("ratio", 0.66, 0.5)
    cheap = Row("signup", ratio=1.2, target="<= 1.3 x one password hash")
    cheap.passed = cheap.check("ratio", 1.2, 1.3, at_most=True)

    assert not short.passed and short.notes["missed by"] == "ratio 0.26, 21% short of 0.33"
    assert not slow.passed
    assert slow.notes["missed by"] == "p95 ms 124, 398% over the limit of 25; ratio 0.02, 90% short of 0.2"
    assert met.passed and cheap.passed and "missed by" not in met.notes and "missed by" not in cheap.notes
    print_table([short, slow, met, cheap])
    out = capsys.readouterr().out
    assert "missed by: ratio 0.26, 21% short of 0.33" in out and out.count("missed by") == 2
