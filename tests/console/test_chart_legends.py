"""The stacked charts of both statistics pages (hazards by channel, counselling by kind and team): their
legends clear of the axis labels, measured in Chromium."""

from safety_service.console import charts
from tests.live import chromium

WEEKS = ["11-02", "11-09", "11-16", "11-23", "11-30", "12-07", "12-14", "12-21"]
OVERLAPS = """() => {
  const boxes = (selector) => [...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect());
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const legends = boxes("g.legends g.legend text, g.legends g.legend rect");
  const labels = boxes("g.axis text");
  return legends.flatMap((l) => labels.filter((a) => meet(l, a)).map(() => 1)).length;
}"""


def test_stacked_chart_legends_stay_clear_of_the_axis_labels() -> None:
    drawn = [
        charts.stacked("各渠道举报（按周）", WEEKS, {"扫码": [3, 4, 5, 2, 6, 7, 3, 2], "井口终端": [1, 2, 3, 1, 2, 3, 1, 1],
                                             "管理台": [0, 1, 0, 2, 1, 0, 1, 2], "检查": [2, 1, 1, 1, 0, 1, 2, 3]}),
        charts.stacked("按班组", ["2026-09", "2026-10", "2026-11"], {"综采一队": [3, 4, 5], "掘进二队": [1, 2, 3],
                                                                  "机电科": [0, 1, 1], "通风队": [2, 1, 1]}),
    ]
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 500})
        for svg in drawn:
            page.set_content(f"<!doctype html><meta charset=utf-8><div>{svg}</div>")
            assert page.locator("g.legends g.legend").count() == 4
            assert page.evaluate(OVERLAPS) == 0
