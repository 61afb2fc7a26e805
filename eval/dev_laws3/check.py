#!/usr/bin/env python3
"""Standalone checker for this set: eval/dev_laws/check.py with this set's id prefixes (d3o-
answerable, d3u- unanswerable). Usage: python3 check.py [questions.jsonl] [laws_dir]"""

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) < 2:
    sys.argv.append(os.path.join(HERE, "questions.jsonl"))
checker = runpy.run_path(os.path.join(HERE, "..", "dev_laws", "check.py"))
checker["main"](prefixes=("d3o-", "d3u-"))
