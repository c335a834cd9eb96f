# SPDX-License-Identifier: GPL-2.0
"""The KEY=VALUE configuration files the bench/ shell scripts write for
their Python halves: one setting a line; keys listed as repeated collect
every value, in order, and the others keep the last.  Blank lines and
lines starting with # are skipped."""


def load_config(path, repeated):
    cfg = {k: [] for k in repeated}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, _, val = line.partition("=")
            if key in cfg and isinstance(cfg[key], list):
                cfg[key].append(val)
            else:
                cfg[key] = val
    return cfg
