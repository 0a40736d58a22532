"""Web app speed: one step plus redraw of the page, and the replicate button.

Server-side, with Solara's test renderer (no browser): the real page is rendered,
the organizations slider is set to 100, Reset is pressed, then Step is pressed
repeatedly; each press steps the model and redraws every component (network,
charts, event feed, replicate panel). Targets: median <= 300 ms per step;
50 replicates <= 10 s on 2 cores.

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
    rc.find(v.Slider, label="Organizations in the core").widget.v_model = n_orgs
    rc.find(v.Btn, children=["Reset"]).widget.click()
    return rc


def bench_step(repeats: int, n_orgs: int = 100) -> dict:
    """Median seconds of a Step press (model step + redraw of every component)."""
    import ipyvuetify as v
    import ipywidgets

    from coalition_sim.classroom import app, live_charts
    from coalition_sim.classroom.network_view import NetworkCanvas
    from coalition_sim.model.model import CoalitionModel

    rc = render_page(n_orgs)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()  # the layout is computed on the first draw after a reset
    before = [bytes(w.value) for w in rc.find(ipywidgets.Image).widgets]
    page = median_seconds(step.click, repeats)
    after = [bytes(w.value) for w in rc.find(ipywidgets.Image).widgets]
    counter = [c for w in rc.find(v.Html, tag="span").widgets for c in w.children if str(c).startswith("Step: ")]
    # guard against timing a no-op: the month advanced and both drawings were redrawn
    assert counter == [f"Step: {repeats + 1}"], counter
    assert len(after) == 2 and all(a != b for a, b in zip(after, before)), "the page was not redrawn"
    with_spread = _step_with_spread_shown(rc, step, repeats)
    model = CoalitionModel(n_orgs=n_orgs, governance="opt-in", seed=3).run(24)
    series = model.datacollector.get_model_vars_dataframe()

    network_canvas, charts_canvas = NetworkCanvas(model, dpi=live_charts.DPI), live_charts.ChartsCanvas()

    def network():
        app.svg_bytes(network_canvas.update(model))

    network()
    return {
        "page": page,
        "page_with_spread": with_spread,
        "model_step": median_seconds(lambda: CoalitionModel(n_orgs=n_orgs, seed=1).step(), repeats),
        "network": median_seconds(network, repeats),
        "charts": median_seconds(lambda: app.svg_bytes(charts_canvas.update(series)), repeats),
        "yardstick": median_seconds(lambda: yardstick_chart(series), repeats),
    }


def _step_with_spread_shown(rc, step, repeats: int) -> float:
    """Press "Is this typical?", wait for its plot, then time Step presses again (three figures)."""
    import ipyvuetify as v
    import ipywidgets

    from coalition_sim.classroom import replicates

    button = rc.find(v.Btn, children=[f"Is this typical? Run {replicates.N_REPLICATES} replicates"]).widget
    button.click()
    deadline = time.monotonic() + 120
    while (button.disabled or len(rc.find(ipywidgets.Image).widgets) < 3) and time.monotonic() < deadline:
        time.sleep(0.05)  # the replicates run in the background; the page re-renders when they end
    assert len(rc.find(ipywidgets.Image).widgets) == 3, "the replicate plot did not appear"
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
    print(f"One step + redraw of every component, 100 organizations (median of {repeats}):")
    print(
        f"  page (Step press)      {ms['page']:7.0f} ms   target <= 300 ms   "
        f"= {step['page'] / step['yardstick']:.1f} x yardstick"
    )
    print(f"  page with the replicate plot showing {ms['page_with_spread']:.0f} ms")
    print(f"    of which model step  {ms['model_step']:7.1f} ms")
    print(f"    network drawing      {ms['network']:7.0f} ms")
    print(f"    six charts           {ms['charts']:7.0f} ms")
    print(f"  yardstick: one Mesa-style chart {ms['yardstick']:.0f} ms")
    rep = bench_replicates()
    print("Is this typical? 50 replicates of the 'silos' preset (120 months each), 2 worker processes:")
    print(f"  first press (starts the pool) {rep['first']:6.2f} s   target <= 10 s")
    print(
        f"  later presses (median of 3)   {rep['later']:6.2f} s   "
        f"= {rep['later'] / rep['serial']:.2f} x the same runs serially in-process ({rep['serial']:.2f} s)"
    )


if __name__ == "__main__":
    main()
