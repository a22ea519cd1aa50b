"""Synthesis: what the graph concludes from its findings (the rule of queries/rules/conclusions.rq), and the
pictures and report drawn from it."""
