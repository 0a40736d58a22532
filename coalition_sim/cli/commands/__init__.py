"""One module per ``coalition-sim`` subcommand (see coalition_sim.cli.main)."""
