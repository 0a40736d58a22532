"""Web app speed: one step plus redraw of the page, the image sizes, and the replicate button.

Server-side, with Solara's test renderer (no browser): the real page is rendered,
the organizations slider is set to 100, Reset is pressed, then Step is pressed
repeatedly; each press steps the model and redraws the page (big numbers,
network, charts, event feed, card, downloads, replicate panel). Targets: median
<= 100 ms per step at 100 organizations; the network drawing <= 150 KB at 300
organizations; 50 replicates <= 10 s on 2 cores.

Yardsticks measured in the same process (the machine is shared and noisy):
one Mesa ``make_plot_component``-style chart (one line chart, saved as PNG with a
tight bounding box, as Mesa's matplotlib backend does) for the redraw, and the
same 50 replicates run one after another in this process for the button.

    python benchmarks/bench_app.py            # full
    python benchmarks/bench_app.py --quick    # fewer repetitions
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import time
import warnings

from matplotlib.figure import Figure


def median_seconds(fn, repeats: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def yardstick_chart(series) -> None:
    """One Mesa-style chart: a line plot saved as PNG with a tight bounding box."""
    fig = Figure()
    ax = fig.subplots()
    ax.plot(series["members"].to_numpy())
    ax.set_xlabel("Step")
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")


def render_page(n_orgs: int):
    """The real page in Solara's test renderer, reset to ``n_orgs`` organizations."""
    import ipyvuetify as v
    import solara

    from coalition_sim.classroom import app

    @solara.component
    def Root():
        with solara.AppLayout():
            app.Page()

    box, rc = solara.render(Root(), handle_error=False)
    rc.find(v.Slider, class_="control-n_orgs").widget.v_model = n_orgs
    rc.find(v.Btn, children=["Reset"]).widget.click()
    return rc


def _drawings(rc) -> list[str]:
    """The page's drawings: the network (a Vue template with hit areas) first, then the inline SVGs."""
    import ipyvuetify as v
    import solara

    networks = [w.svg for w in rc.find(v.VuetifyTemplate).widgets if hasattr(w, "nodes") and hasattr(w, "svg")]
    return networks + [
        w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets if "drawing" in w.attributes.get("class", "")
    ]


def _month(rc) -> int:
    import ipyvuetify as v

    shown = [c for w in rc.find(v.Html, tag="span").widgets for c in w.children if isinstance(c, str)]
    return int(next(t for t in shown if re.fullmatch(r"\d+ of \d+", t)).split()[0])


def bench_step(repeats: int, n_orgs: int = 100) -> dict:
    """Median seconds of a Step press (model step + redraw of the page), and its parts."""
    import ipyvuetify as v

    from coalition_sim.classroom import live_charts
    from coalition_sim.classroom.live_run import LiveRun
    from coalition_sim.classroom.network_svg import NetworkSVG
    from coalition_sim.classroom.network_view import NetworkCanvas
    from coalition_sim.classroom.run_view import NETWORK_SIZE, PX_PER_INCH, svg_text
    from coalition_sim.model.model import CoalitionModel

    rc = render_page(n_orgs)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()  # the layout is computed on the first draw after a reset
    before = _drawings(rc)
    page = median_seconds(step.click, repeats)
    after = _drawings(rc)
    # guard against timing a no-op: the month advanced and both drawings were redrawn
    assert _month(rc) == repeats + 1, _month(rc)
    assert len(after) == 2 and all(a != b for a, b in zip(after, before)), "the page was not redrawn"
    with_spread = _step_with_spread_shown(rc, step, repeats)
    run = LiveRun({"n_orgs": n_orgs, "governance": "opt-in", "seed": 3})
    run.run_to(24)
    series, events = run.series(), run.events()
    network = NetworkSVG(run.model, *(PX_PER_INCH * inches for inches in NETWORK_SIZE))
    matplotlib_network = NetworkCanvas(run.model, figsize=NETWORK_SIZE, dpi=96, legend=False)
    charts_canvas = live_charts.ChartsCanvas(legend=False)
    return {
        "page": page,
        "page_with_spread": with_spread,
        "model_step": median_seconds(lambda: CoalitionModel(n_orgs=n_orgs, seed=1).step(), repeats),
        "network": median_seconds(lambda: network.svg(run.model), repeats),
        "network_matplotlib": median_seconds(lambda: svg_text(matplotlib_network.update(run.model)), repeats),
        "charts": median_seconds(lambda: charts_canvas.svg(series, events), repeats),
        "charts_matplotlib": median_seconds(lambda: svg_text(charts_canvas.update(series, events)), repeats),
        "yardstick": median_seconds(lambda: yardstick_chart(series), repeats),
    }


def page_step(repeats: int, n_orgs: int) -> float:
    """Median seconds of a Step press on the page at ``n_orgs`` organizations (no replicate plot)."""
    import ipyvuetify as v

    rc = render_page(n_orgs)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()
    seconds = median_seconds(step.click, repeats)
    assert _month(rc) == repeats + 1, _month(rc)
    return seconds


def image_sizes(n_orgs: int = 300) -> dict:
    """Bytes of the network and charts drawings at ``n_orgs`` organizations, month 24."""
    from coalition_sim.classroom import feed, live_charts
    from coalition_sim.classroom.live_run import LiveRun
    from coalition_sim.classroom.network_svg import NetworkSVG
    from coalition_sim.classroom.run_view import NETWORK_SIZE, PX_PER_INCH

    run = LiveRun({"n_orgs": n_orgs, "governance": "opt-in", "seed": 3})
    run.run_to(24)
    network = NetworkSVG(run.model, *(PX_PER_INCH * inches for inches in NETWORK_SIZE))
    charts = live_charts.ChartsCanvas(legend=False)
    labels = feed.organizations_named(run.events(), run.model.names, n=4)
    start = time.perf_counter()
    network_svg = network.svg(run.model, labels=labels, selected=0)
    network_s = time.perf_counter() - start
    return {
        "network": len(network_svg.encode()),
        "charts": len(charts.svg(run.series(), run.events()).encode()),
        "network_s": network_s,
    }


def _step_with_spread_shown(rc, step, repeats: int) -> float:
    """Press "Is this typical?", wait for its plot, then time Step presses again (three drawings)."""
    import ipyvuetify as v

    from coalition_sim.classroom import replicates

    button = rc.find(v.Btn, children=[f"Is this typical? Run {replicates.N_REPLICATES} replicates"]).widget
    button.click()
    deadline = time.monotonic() + 120
    while (button.disabled or len(_drawings(rc)) < 3) and time.monotonic() < deadline:
        time.sleep(0.05)  # the replicates run in the background; the page re-renders when they end
    assert len(_drawings(rc)) == 3, "the replicate plot did not appear"
    return median_seconds(step.click, repeats)


def bench_replicates(n: int = 50) -> dict:
    """Seconds for the button's ``n`` replicates: first press (pool start), later press, serial."""
    from coalition_sim.classroom import replicates
    from coalition_sim.classroom.presets import PRESETS

    params = PRESETS["silos"].model_params()
    start = time.perf_counter()
    replicates.run_replicates(params, n=n, master_seed=1)
    first = time.perf_counter() - start
    later = median_seconds(lambda: replicates.run_replicates(params, n=n, master_seed=2), 3)
    serial = median_seconds(lambda: replicates.run_replicates(params, n=n, master_seed=2, workers=1), 1)
    return {"first": first, "later": later, "serial": serial}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    repeats = 7 if args.quick else 25
    step = bench_step(repeats)
    ms = {k: 1000 * v for k, v in step.items()}
    print(f"One step + redraw of the page, 100 organizations (median of {repeats}):")
    print(
        f"  page (Step press)      {ms['page']:7.0f} ms   target <= 100 ms   "
        f"= {step['page'] / step['yardstick']:.1f} x yardstick"
    )
    print(f"  page with the replicate plot showing {ms['page_with_spread']:.0f} ms")
    print(f"    of which model step  {ms['model_step']:7.1f} ms")
    for part, name in (("network", "network drawing"), ("charts", "four charts")):
        print(f"    {name:20} {ms[part]:7.1f} ms   (SVG text; matplotlib: {ms[part + '_matplotlib']:.0f} ms)")
    print(f"  yardstick: one Mesa-style chart {ms['yardstick']:.0f} ms")
    print(f"  page (Step press) at 300 organizations {1000 * page_step(repeats, 300):.0f} ms")
    sizes = image_sizes(300)
    print("Drawings at 300 organizations (month 24):")
    print(f"  network {sizes['network'] / 1000:6.0f} KB   target <= 150 KB   ({1000 * sizes['network_s']:.1f} ms)")
    print(f"  charts  {sizes['charts'] / 1000:6.0f} KB")
    rep = bench_replicates()
    print("Is this typical? 50 replicates of the 'silos' preset (120 months each), 2 worker processes:")
    print(f"  first press (starts the pool) {rep['first']:6.2f} s   target <= 10 s")
    print(
        f"  later presses (median of 3)   {rep['later']:6.2f} s   "
        f"= {rep['later'] / rep['serial']:.2f} x the same runs serially in-process ({rep['serial']:.2f} s)"
    )


if __name__ == "__main__":
    main()
