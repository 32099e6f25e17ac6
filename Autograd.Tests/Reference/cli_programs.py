"""Runs a program of the autograd CLI's language in Python, for the reference scripts beside this file."""
import re


def run_program(program, scope, convert=lambda value: value):
    """Runs each statement (`^` read as `**`) in `scope`, storing each assigned name; returns the last result.

    `convert` turns each statement's result into what the script works with (a float64 tensor, say)."""
    result = None
    for statement in re.split(r"[;\n]", program):
        statement = statement.strip().replace("^", "**")
        if not statement:
            continue
        name, _, expression = statement.partition("=")
        result = convert(eval(expression, {}, scope))
        scope[name.strip()] = result
    return result
